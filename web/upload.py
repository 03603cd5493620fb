"""Reading an uploaded invoice from a request: raw body or multipart field `file`, with a hard
size limit that holds even when the client lies about (or omits) Content-Length."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from web.problems import Problem

XML = "application/xml"
PDF = "application/pdf"
MULTIPART = "multipart/form-data"
RAW_TYPES = {"application/xml": XML, "text/xml": XML, "application/pdf": PDF}
# what browsers and tools put on a file part; the content decides between XML and PDF
PART_TYPES = {"", "application/xml", "text/xml", "application/pdf", "application/octet-stream"}
MULTIPART_OVERHEAD = 64 * 1024
# a client that sent a too large body still gets to read our 413 if it is not absurdly large
DRAIN_LIMIT = 64 * 1024 * 1024


@dataclass(frozen=True)
class Upload:
    data: bytes
    filename: str | None
    media_type: str  # XML or PDF, from the content


def sniff(data: bytes) -> str | None:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if data[:1024].find(b"%PDF-") != -1:
        return PDF
    if head.startswith(b"<") or head.startswith(b"\xff\xfe") or head.startswith(b"\xfe\xff"):
        return XML
    return None


def media_type_of(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def _unsupported(detail: str, code: str = "upload.unsupported_media_type") -> Problem:
    return Problem(415, code, detail, accepted=sorted(set(RAW_TYPES)) + [MULTIPART])


def _size(limit: int) -> str:
    if limit >= 1024 * 1024:
        return f"{limit // (1024 * 1024)} MB"
    return f"{limit // 1024} KB" if limit >= 1024 else f"{limit} Byte"


def _too_large(limit: int) -> Problem:
    return Problem(
        413, "upload.too_large", f"Die Datei ist zu groß. Erlaubt sind höchstens {_size(limit)} je Rechnung.", max_bytes=limit
    )


async def read_limited(request: Request, limit: int, max_file: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and not declared.isdigit():
        raise Problem(400, "upload.bad_length", "Die Angabe Content-Length ist ungültig.")
    if declared is not None and int(declared) > DRAIN_LIMIT:
        raise _too_large(max_file)  # not worth reading: the connection is closed after the answer
    body = bytearray()
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > DRAIN_LIMIT:
            raise _too_large(max_file)  # enough read: the connection is closed after the answer
        if received <= limit:
            body += chunk
        # past the limit the rest is read and dropped, so that the client, still sending,
        # gets to read our 413 instead of a broken connection
    if received > limit:
        raise _too_large(max_file)
    return bytes(body)


async def _form_files(request: Request, body: bytes, fields: dict[str, str]) -> list[tuple[str | None, str, bytes]]:
    sent = False

    async def replay():
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    try:
        form = await Request(request.scope, replay).form(max_files=50, max_fields=20)
    except StarletteHTTPException as exc:
        raise Problem(400, "upload.multipart_invalid", "Der Formular-Upload ist fehlerhaft aufgebaut.") from exc
    fields.update({k: v for k, v in form.multi_items() if isinstance(v, str)})
    files = []
    for item in form.getlist("file"):
        if not isinstance(item, UploadFile):
            continue
        files.append((item.filename, (item.content_type or "").split(";")[0].strip().lower(), await item.read()))
    return files


def _checked(data: bytes, filename: str | None, declared: str, max_file: int) -> Upload:
    if len(data) > max_file:
        raise _too_large(max_file)
    if not data:
        raise Problem(422, "upload.empty", f"Die Datei {filename or ''} ist leer.".replace("  ", " "))
    actual = sniff(data)
    if actual is None:
        raise _unsupported(
            "Die Datei ist weder XML (XRechnung) noch PDF (ZUGFeRD/Factur-X) und damit keine elektronische Rechnung.",
            "upload.not_an_invoice_format",
        )
    if declared in RAW_TYPES and RAW_TYPES[declared] != actual:
        raise _unsupported(
            f"Der angegebene Inhaltstyp {declared} passt nicht zum Inhalt der Datei ({'PDF' if actual == PDF else 'XML'}).",
            "upload.content_type_mismatch",
        )
    return Upload(data=data, filename=filename, media_type=actual)


async def read_uploads(
    request: Request, max_file: int, *, many: bool = False, fields: dict[str, str] | None = None
) -> list[Upload | Problem]:
    """The uploaded files. Problems with the request as a whole raise (413/415/400/422); with
    `many`, a single bad file among several is returned as its Problem, the others go on.
    Plain form fields of a multipart body land in `fields`."""
    declared = media_type_of(request)
    if declared in RAW_TYPES:
        data = await read_limited(request, max_file, max_file)
        return [_checked(data, request.headers.get("x-filename"), declared, max_file)]
    if declared != MULTIPART:
        raise _unsupported(
            "Bitte die Rechnung als application/xml, application/pdf oder als Formularfeld „file“ "
            f"(multipart/form-data) senden, nicht als „{declared or 'ohne Inhaltstyp'}“."
        )
    # several files in one form post: together at most what is read at all
    limit = DRAIN_LIMIT if many else max_file + MULTIPART_OVERHEAD
    body = await read_limited(request, limit, max_file)
    files = await _form_files(request, body, fields if fields is not None else {})
    if not files:
        raise Problem(422, "upload.file_missing", "Im Formular fehlt die Datei (Feld „file“).")
    if not many and len(files) > 1:
        raise Problem(422, "upload.too_many_files", "Bitte genau eine Rechnung je Anfrage senden.")
    results: list[Upload | Problem] = []
    for filename, part_type, data in files:
        try:
            if part_type not in PART_TYPES:
                raise _unsupported(f"Die Datei {filename or ''} hat den Inhaltstyp „{part_type}“; erwartet wird XML oder PDF.")
            results.append(_checked(data, filename, part_type, max_file))
        except Problem as problem:
            if not many:
                raise
            problem.extra.setdefault("filename", filename)
            results.append(problem)
    return results
