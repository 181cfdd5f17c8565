"""Participant links: /p/<token>/ (personal) and /join/<token>/ (a party's open link)."""

from django.urls import path

from .views import participant

app_name = "participant"

urlpatterns = [
    path("p/<str:token>/", participant.home, name="home"),
    path("p/<str:token>/rate/", participant.rate, name="rate"),
    path("p/<str:token>/rate/<int:value_code_id>/", participant.save, name="save"),
    path("join/<str:token>/", participant.join, name="join"),
]
