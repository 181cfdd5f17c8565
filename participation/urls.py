"""Participant links: /p/<token>/ (personal or invitation) and /join/<token>/ (a party's open
link). Every token in these paths is a secret: ttm.log_filters masks them in logs."""

from django.urls import path

from participation import views as participant

app_name = "participant"

urlpatterns = [
    path("p/<str:token>/", participant.home, name="home"),
    path("p/<str:token>/rate/", participant.rate, name="rate"),
    path("p/<str:token>/rate/<int:value_code_id>/", participant.save, name="save"),
    path(
        "p/<str:token>/rate/<int:value_code_id>/understanding/",
        participant.save_understanding,
        name="save_understanding",
    ),
    path(
        "p/<str:token>/rate/<int:value_code_id>/stance/",
        participant.save_stance,
        name="save_stance",
    ),
    path("p/<str:token>/pulse/", participant.save_pulse, name="save_pulse"),
    path("p/<str:token>/email-link/", participant.email_personal_link, name="email_link"),
    path("join/<str:token>/", participant.join, name="join"),
]
