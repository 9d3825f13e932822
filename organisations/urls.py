from django.urls import path

from organisations.views import contacts, directory, documents, manage

app_name = "organisations"

urlpatterns = [
    path("", directory.directory, name="directory"),
    path("register/", manage.register, name="register"),
    path("invitations/<str:token>/", manage.accept_invitation, name="accept_invitation"),
    path("<slug:slug>/", directory.profile, name="profile"),
    path("<slug:slug>/edit/", manage.edit, name="edit"),
    path("<slug:slug>/members/", manage.members, name="members"),
    path("<slug:slug>/members/<int:pk>/role/", manage.change_role, name="change_role"),
    path("<slug:slug>/members/<int:pk>/remove/", manage.remove, name="remove_member"),
    path("<slug:slug>/leave/", manage.leave, name="leave"),
    path("<slug:slug>/history/", manage.history, name="history"),
    path("<slug:slug>/act-for/", manage.act_for, name="act_for"),
    path("<slug:slug>/documents/new/", documents.upload, name="upload_document"),
    path("<slug:slug>/documents/<int:pk>/", documents.download, name="document"),
    path("<slug:slug>/documents/<int:pk>/remove/", documents.remove, name="remove_document"),
    path("<slug:slug>/contacts/new/", contacts.add, name="add_contact"),
    path("<slug:slug>/contacts/<int:pk>/", contacts.edit, name="edit_contact"),
    path("<slug:slug>/contacts/<int:pk>/remove/", contacts.remove, name="remove_contact"),
]
