from django.urls import path

from .views import facilitator

app_name = "diagnostics"

urlpatterns = [
    path("", facilitator.diagnostic_list, name="list"),
    path("<slug:slug>/", facilitator.diagnostic_detail, name="detail"),
]
