from django.urls import path

from .views import results

app_name = "results"

urlpatterns = [
    path("analysis.json", results.analysis_json, name="json"),
    path("analysis.csv", results.analysis_csv, name="csv"),
]
