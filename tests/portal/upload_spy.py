"""An upload handler that records each file Django starts to receive.

Listed first in ``FILE_UPLOAD_HANDLERS`` by tests that must show a request's
body was never parsed: Django calls ``new_file`` for every file part it reads.
"""

from django.core.files.uploadhandler import FileUploadHandler

STARTED = []


class RecordingUploadHandler(FileUploadHandler):
    def new_file(self, field_name, file_name, *args, **kwargs):
        STARTED.append(file_name)
        super().new_file(field_name, file_name, *args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None
