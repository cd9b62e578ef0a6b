"""decode_upload: what we accept as transcript text, and how we say no."""

import pytest

from ingestion.upload import RejectedUpload, decode_upload

LIMIT = 1024 * 1024


def decode(raw: bytes, filename: str = "interview.txt", max_bytes: int = LIMIT) -> str:
    return decode_upload(raw, filename=filename, max_bytes=max_bytes)


def rejection(raw: bytes, filename: str = "interview.txt", max_bytes: int = LIMIT) -> str:
    with pytest.raises(RejectedUpload) as caught:
        decode(raw, filename, max_bytes)
    return str(caught.value)


def test_it_decodes_utf8_text():
    assert decode("Maya: Grüße — ça va?\n".encode()) == "Maya: Grüße — ça va?\n"


def test_it_strips_a_utf8_byte_order_mark():
    assert decode(b"\xef\xbb\xbfMaya: hello") == "Maya: hello"


def test_it_normalises_crlf_and_lone_cr_to_lf():
    assert decode(b"Maya: one\r\nJordan: two\rMaya: three\r\n") == (
        "Maya: one\nJordan: two\nMaya: three\n"
    )


@pytest.mark.parametrize("raw", [b"", b"   \n\t\r\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf \n"])
def test_it_rejects_empty_or_whitespace_only_uploads_naming_the_file(raw):
    message = rejection(raw, "empty.txt")
    assert "empty.txt" in message
    assert "empty" in message


def test_it_rejects_uploads_over_the_limit_with_size_limit_and_setting():
    message = rejection(b"a" * (3 * 1024 * 1024), "big.txt", max_bytes=2 * 1024 * 1024)
    assert "big.txt" in message
    assert "3,145,728 bytes (3.0 MiB)" in message
    assert "2,097,152 bytes (2.0 MiB)" in message
    assert "INGEST_MAX_BYTES" in message


def test_it_accepts_an_upload_exactly_at_the_limit():
    assert decode(b"a" * 100, max_bytes=100) == "a" * 100


@pytest.mark.parametrize(
    ("raw", "looks_like"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
        (b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xml word/document.xml", "a Word document"),
        (b"PK\x03\x04\x14\x00\x00\x00some.txt", "a ZIP archive"),
        (b"\x00\x00\x00\x20ftypM4A \x00\x00", "an MP4/M4A audio or video file"),
        (b"ID3\x04\x00\x00\x00\x00", "an MP3 audio file"),
    ],
)
def test_it_names_the_kind_of_binary_file_uploaded_by_mistake(raw, looks_like):
    message = rejection(raw, "notes.bin")
    assert f"notes.bin looks like {looks_like}" in message
    assert "not a text transcript" in message


def test_it_rejects_files_with_nul_bytes_as_binary():
    assert "binary" in rejection(b"Maya: hello\x00\x01 there")


def test_it_rejects_files_full_of_control_characters_as_binary():
    message = rejection(b"Maya: \x01\x02\x03\x04\x05\x06 hello\x07\x08\x0e\x0f")
    assert "interview.txt looks like a binary file" in message


def test_it_tolerates_a_few_control_characters_in_real_text():
    text = "Maya: " + "a long and ordinary answer " * 10 + "\x0c\x1b"
    assert decode(text.encode()) == text


def test_it_explains_utf16_instead_of_calling_it_binary():
    message = rejection("Maya: hello".encode("utf-16"))
    assert "UTF-16" in message
    assert "UTF-8" in message


def test_it_rejects_text_that_is_not_utf8_with_the_byte_offset():
    raw = "Maya: café\nJordan: ok".encode("latin-1")
    message = rejection(raw, "latin.txt")
    assert "latin.txt is not UTF-8" in message
    assert "0xE9" in message
    assert "byte offset 9" in message
    assert "line 1" in message


def test_it_counts_lines_to_the_first_bad_byte():
    assert "line 3" in rejection(b"one\ntwo\nthr\xffee")
