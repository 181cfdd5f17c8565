from django.urls import path

from .views import individual

app_name = "individual"

urlpatterns = [
    path("", individual.my_results, name="report"),
]
