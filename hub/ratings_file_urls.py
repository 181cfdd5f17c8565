"""Facilitator files of one diagnostic, mounted at diagnostics/<slug>/export/."""

from django.urls import path

from hub.views import ratings_file as exports

app_name = "exports"

urlpatterns = [
    path("ratings.csv", exports.ratings_csv, name="ratings_csv"),
    path("ratings/import/", exports.ratings_import, name="ratings_import"),
]
