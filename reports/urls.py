from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("request/", views.report_request, name="request"),
    path("<int:report_id>/status/", views.report_status, name="status"),
    path("<int:report_id>/retry/", views.report_retry, name="retry"),
    path("<int:report_id>/download/", views.report_download, name="download"),
]
