from django.urls import path

from . import views

app_name = "selfmatch"

urlpatterns = [
    # mentees
    path("programs/<slug:slug>/", views.browse, name="browse"),
    path("programs/<slug:slug>/ask/", views.ask, name="ask"),
    path("mine/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    # mentors
    path("requests/", views.inbox, name="inbox"),
    path("requests/<int:pk>/", views.answer, name="answer"),
    # HR
    path("programs/<slug:slug>/mode/", views.settings_edit, name="settings"),
    path("programs/<slug:slug>/requests/", views.requests_list, name="requests"),
    path("programs/<slug:slug>/close/", views.close, name="close"),
    path("hr/requests/<int:pk>/", views.hr_request, name="hr_request"),
]
