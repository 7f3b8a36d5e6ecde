"""Mobile numbers: validation to E.164 (F-4) and masking (X-7).

Parsing, validation and number types come from the ``phonenumbers`` library; nothing
here reads digits by hand except the last-resort masking of text that the library does
not recognise as a number.

>>> valid_mobile_e164("(415) 555-0100", "US")
'+14155550100'
>>> mask_number("+1 415-555-0100")
'+1*******00'
>>> mask_numbers_in_text("user 7 has +44 7400 123456")
'user 7 has +44*******56'
"""

from __future__ import annotations

from .masking import mask_number, mask_numbers_in_text
from .validation import _NANPA_NATIONAL as _NANPA_NATIONAL
from .validation import _NANPA_PLUS as _NANPA_PLUS
from .validation import _NANPA_REGIONS as _NANPA_REGIONS
from .validation import _NON_DIGITS as _NON_DIGITS
from .validation import _compiled as _compiled
from .validation import _library_mobile_e164 as _library_mobile_e164
from .validation import _mobile_e164 as _mobile_e164
from .validation import _nanpa_national as _nanpa_national
from .validation import _nanpa_type as _nanpa_type
from .validation import _nanpa_type_reference as _nanpa_type_reference
from .validation import _region as _region
from .validation import _typer as _typer
from .validation import mobile_e164_checker, valid_mobile_e164

__all__ = ["mask_number", "mask_numbers_in_text", "mobile_e164_checker", "valid_mobile_e164"]
