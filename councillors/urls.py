from django.urls import path

from councillors.views import digests, imports, preferences, signposting

app_name = "councillors"

urlpatterns = [
    path("digest/", digests.digest_list, name="digests"),
    path("digest/preferences/", preferences.preferences, name="preferences"),
    path("digest/unsubscribe/<str:token>/", preferences.unsubscribe, name="unsubscribe"),
    path("digest/<str:week>/", digests.digest_detail, name="digest"),
    path("digest/<str:week>/digest.pdf", digests.digest_pdf, name="digest_pdf"),
    path("signpost/<str:reference>/", signposting.signpost, name="signpost"),
    path("signposted/", signposting.signposting_log, name="signposting_log"),
    path("import/", imports.import_councillors, name="import"),
]
