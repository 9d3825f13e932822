"""Reading a streamed CSV download in tests."""

import csv
import io


def csv_download(client, url):
    """The response to ``url`` (a 200, starting with the byte order mark) and its rows as
    dictionaries by column."""
    response = client.get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())
    return response, list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
