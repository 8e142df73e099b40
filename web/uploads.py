"""Uploaded files, for the pages and the API alike: kept in memory (never on an app server's
disk) and cut at RUN_FILE_MAX_BYTES + 1 bytes, which is enough to refuse a file as too large by
name while the other files of the upload are still read."""

from io import BytesIO
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest
from rest_framework.request import Request

from workouts.run_imports import UploadedRunFile


class CappedMemoryUploadHandler(FileUploadHandler):
    """Django's memory handler, for files of any size, keeping at most the limit plus one byte
    of each (the rest of a larger file is read from the request and dropped)."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.kept = BytesIO()
        self.cap = settings.RUN_FILE_MAX_BYTES + 1

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        room = self.cap - self.kept.tell()
        if room > 0:
            self.kept.write(raw_data[:room])
        return None

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.kept.seek(0)
        return InMemoryUploadedFile(
            file=self.kept,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


def upload_too_large(request: HttpRequest | Request) -> bool:
    """Whether the request's body is larger than one upload may be: asked before the files
    are read, so such a body is never read at all."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return declared > settings.RUN_UPLOAD_MAX_BYTES


def uploaded_run_files(
    request: HttpRequest | Request, field: str = "files"
) -> list[UploadedRunFile]:
    """The files sent under `field`, in the order sent. Django refuses more than
    DATA_UPLOAD_MAX_NUMBER_FILES with TooManyFilesSent (callers answer 400)."""
    return [
        UploadedRunFile(name=upload.name or "(no name)", content=upload.read())
        for upload in request.FILES.getlist(field)
    ]


def upload_limit_message() -> str:
    limit = settings.RUN_UPLOAD_MAX_BYTES
    size = f"{limit / (1024 * 1024):g} MB" if limit >= 1024 * 1024 else f"{limit} bytes"
    return f"One upload may hold at most {size}; send fewer files at once."
