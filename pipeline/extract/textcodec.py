"""Decoding text-family files (plain text, Markdown, HTML) to ``str``."""

from __future__ import annotations

from pathlib import Path

from pipeline.core.errors import EncodingError

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
    guess = _utf16_without_bom(data)
    if guess:
        try:
            return _normalise_newlines(data.decode(guess)), guess
        except UnicodeDecodeError:
            pass
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


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' when the zero bytes sit in every other position (mostly-ASCII
    UTF-16 saved without a byte-order mark, which is also valid UTF-8 full of NULs), else None."""
    sample = data[:8192]
    sample = sample[: len(sample) - len(sample) % 2]
    half = len(sample) // 2
    if half < 4 or b"\x00" not in sample:
        return None
    zeros_even = sample[0::2].count(0)  # high byte first: big-endian
    zeros_odd = sample[1::2].count(0)  # low byte first: little-endian
    if zeros_odd > 0.4 * half and zeros_even < 0.05 * half:
        return "utf-16-le"
    if zeros_even > 0.4 * half and zeros_odd < 0.05 * half:
        return "utf-16-be"
    return None


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _control_ratio(text: str) -> float:
    if not text:
        return 0.0
    bad = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\t\n\r\f")
    return bad / min(len(text), 20000)
