"""The ``token`` query parameter of the syndication endpoint, computed as react-tweet does.

react-tweet (``api/fetch-tweet.ts`` ``getToken``) sends::

    ((Number(id) / 1e15) * Math.PI).toString(6 ** 2).replace(/(0+|\\.)/g, '')

so the token depends on JavaScript's ``Number.prototype.toString(36)``. ``js_to_radix``
ports V8's ``DoubleToRadixCString`` (src/numbers/conversions.cc): the fraction gets only as
many digits as the double's precision needs (shortest round-trip, ties to even), the
integer part is exact, with digits beyond 2^53 filled with zeros. Approximations (capping
the fraction at N digits) disagree with V8 on about half of modern IDs.
"""

from __future__ import annotations

import math
import re

DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_ID = re.compile(r"[0-9]{1,40}")  # react-tweet accepts /^[0-9]+$/ up to 40 characters
_TWO_53 = float(2**53)


def js_to_radix(value: float, radix: int = 36) -> str:
    """``value.toString(radix)`` exactly as V8 prints it, for radix 2-9 and 11-36.

    Radix 10 is refused: JavaScript prints it with a different algorithm (exponent forms).
    """
    if not 2 <= radix <= 36 or radix == 10:
        raise ValueError(f"radix must be 2-9 or 11-36, not {radix}")
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"
    negative = value < 0
    value = abs(value)

    integer = math.floor(value)
    fraction = value - integer
    # Only emit fraction digits up to the precision of the input double.
    delta = max(0.5 * (math.nextafter(value, math.inf) - value), math.ulp(0.0))
    fraction_digits: list[int] = []
    if fraction >= delta:
        while True:
            fraction *= radix
            delta *= radix
            digit = int(fraction)
            fraction_digits.append(digit)
            fraction -= digit
            # Round half to even; on round-up, propagate the carry backwards.
            if (fraction > 0.5 or (fraction == 0.5 and digit & 1)) and fraction + delta > 1:
                while True:
                    if not fraction_digits:
                        integer += 1
                        break
                    last = fraction_digits.pop()
                    if last + 1 < radix:
                        fraction_digits.append(last + 1)
                        break
                break
            if fraction < delta:
                break

    # Integer part: digits below the double's precision are written as zeros.
    whole = float(integer)
    integer_digits: list[str] = []
    while whole / radix >= _TWO_53:
        whole /= radix
        integer_digits.append("0")
    while True:
        remainder = math.fmod(whole, radix)
        integer_digits.append(DIGITS[int(remainder)])
        whole = (whole - remainder) / radix
        if whole <= 0:
            break

    text = "".join(reversed(integer_digits))
    if fraction_digits:
        text += "." + "".join(DIGITS[d] for d in fraction_digits)
    return "-" + text if negative else text


def syndication_token(post_id: str) -> str:
    """The syndication ``token`` for a status ID (decimal string), as react-tweet computes it.

    >>> syndication_token("1874097816571961839")
    '4jjngwkifa'
    """
    if not isinstance(post_id, str) or not _ID.fullmatch(post_id):
        raise ValueError(f"not a status ID (1-40 decimal digits): {post_id!r}")
    # float(int) rounds to nearest, ties to even, exactly as JavaScript's Number(string).
    value = (float(int(post_id)) / 1e15) * math.pi
    return js_to_radix(value, 36).replace("0", "").replace(".", "")
