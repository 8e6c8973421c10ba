"""Decoding text-family files (plain text, Markdown, HTML) to ``str``."""

from __future__ import annotations

from pathlib import Path

from ..errors import EncodingError

_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def decode_text(path: Path, data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Return (text, encoding used). UTF-8 first, then a BOM, then charset detection.

    Raises ``EncodingError`` when the bytes are not text in any encoding we can trust.
    """
    if encoding:
        try:
            return _normalise_newlines(data.decode(encoding)), encoding
        except (UnicodeDecodeError, LookupError) as e:
            raise EncodingError(path, f"cannot decode as {encoding}: {e.__class__.__name__}") from e
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return _normalise_newlines(data.decode(enc)), enc
            except UnicodeDecodeError as e:
                raise EncodingError(path, f"starts with a {enc} byte-order mark but is not valid {enc}") from e
    try:
        return _normalise_newlines(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # well-kept detector; imported only when needed

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise EncodingError(path, "the bytes are not text in any known encoding")
    text = str(best)
    if _control_ratio(text) > 0.02:
        raise EncodingError(path, f"decoded as {best.encoding} but the result is mostly control characters")
    return _normalise_newlines(text), best.encoding


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _control_ratio(text: str) -> float:
    if not text:
        return 0.0
    bad = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\t\n\r\f")
    return bad / min(len(text), 20000)
