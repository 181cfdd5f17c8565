"""Two audiences, two URL sets: phones under /workshop/, the presenter under a diagnostic."""

from django.urls import path

from .views import participant, presenter

participant_urlpatterns = [
    path("", participant.join, name="join"),
    path("s/<int:pk>/", participant.phone, name="phone"),
    path("s/<int:pk>/live/", participant.phone_live, name="phone_live"),
    path("s/<int:pk>/rate/", participant.rate, name="rate"),
    path("s/<int:pk>/capture/", participant.capture, name="capture"),
    path("s/<int:pk>/captures/<int:capture_pk>/upvote/", participant.upvote, name="upvote"),
    path("<str:code>/", participant.join_session, name="join_session"),
]

presenter_urlpatterns = [
    path("", presenter.presenter, name="presenter"),
    path("start/", presenter.start, name="start"),
    path("<int:pk>/live/", presenter.presenter_live, name="live"),
    path("<int:pk>/control/", presenter.control, name="control"),
    path("<int:pk>/room/", presenter.room, name="room"),
    path(
        "<int:pk>/room/<int:participant_id>/remove/",
        presenter.remove_attendee,
        name="remove_attendee",
    ),
    path("<int:pk>/agreed-target/", presenter.agreed_target, name="agreed_target"),
    path("<int:pk>/captures/<int:capture_pk>/keep/", presenter.keep, name="keep"),
    path("<int:pk>/captures/<int:capture_pk>/merge/", presenter.merge, name="merge"),
]
