from django.urls import path

from hub.views import facilitator as views
from hub.views import people

app_name = "diagnostics"

urlpatterns = [
    path("", views.diagnostic_list, name="list"),
    path("new/", views.diagnostic_create, name="create"),
    path("<slug:slug>/", views.diagnostic_detail, name="detail"),
    path("<slug:slug>/progress/", views.progress, name="progress"),
    path("<slug:slug>/edit/", views.diagnostic_edit, name="edit"),
    path("<slug:slug>/reminders/", views.send_reminders, name="send_reminders"),
    path("<slug:slug>/rounds/", views.rounds, name="rounds"),
    path("<slug:slug>/rounds/open/", views.round_open, name="round_open"),
    path("<slug:slug>/rounds/<int:number>/close/", views.round_close, name="round_close"),
    path("<slug:slug>/parties/", people.parties, name="parties"),
    path("<slug:slug>/parties/<int:party_id>/", people.party_edit, name="party_edit"),
    path("<slug:slug>/parties/<int:party_id>/remove/", people.party_remove, name="party_remove"),
    path(
        "<slug:slug>/parties/<int:party_id>/open-link/",
        people.party_open_link,
        name="party_open_link",
    ),
    path("<slug:slug>/participants/", people.participants, name="participants"),
    path(
        "<slug:slug>/participants/<int:participant_id>/",
        people.participant_edit,
        name="participant_edit",
    ),
    path(
        "<slug:slug>/participants/<int:participant_id>/revoke/",
        people.participant_revoke,
        name="participant_revoke",
    ),
    path(
        "<slug:slug>/participants/<int:participant_id>/remove/",
        people.participant_remove,
        name="participant_remove",
    ),
    path(
        "<slug:slug>/participants/<int:participant_id>/reissue/",
        people.participant_reissue,
        name="participant_reissue",
    ),
    path(
        "<slug:slug>/participants/<int:participant_id>/send/",
        people.participant_send,
        name="participant_send",
    ),
    path("<slug:slug>/things/", views.things, name="things"),
    path("<slug:slug>/things/<int:thing_id>/", views.thing_edit, name="thing_edit"),
    path("<slug:slug>/things/<int:thing_id>/delete/", views.thing_delete, name="thing_delete"),
    path("<slug:slug>/value-codes/", views.value_codes, name="value_codes"),
    path("<slug:slug>/value-codes/<int:code_id>/", views.value_code_edit, name="value_code_edit"),
    path(
        "<slug:slug>/value-codes/<int:code_id>/move/",
        views.value_code_move,
        name="value_code_move",
    ),
    path(
        "<slug:slug>/value-codes/<int:code_id>/remove/",
        views.value_code_remove,
        name="value_code_remove",
    ),
    path("<slug:slug>/members/", views.members, name="members"),
    path("<slug:slug>/members/<int:member_id>/remove/", views.member_remove, name="member_remove"),
]
