from django.urls import path

from results.views import individual

app_name = "individual"

urlpatterns = [
    path("", individual.my_results, name="report"),
]
