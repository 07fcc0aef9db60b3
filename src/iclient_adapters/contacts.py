"""E-mail and phone validation with ``email-validator`` and ``phonenumbers``."""

from __future__ import annotations

# Both libraries load their data (and email-validator dnspython) at the first use, so that a
# web process starts quickly.


class StandardContactValidator:
    """The ``ContactValidator`` port.

    Args:
        default_region: the country assumed for numbers typed without ``+`` (``PT``).
    """

    def __init__(self, *, default_region: str = "PT") -> None:
        self._region = default_region

    def normalise_email(self, raw: str) -> str:
        """The normalised address; no DNS look-up (registration must not wait on DNS)."""
        from email_validator import EmailNotValidError, validate_email

        try:
            result = validate_email(raw, check_deliverability=False)
        except EmailNotValidError as error:
            raise ValueError(str(error)) from None
        return str(result.normalized)

    def normalise_phone(self, raw: str) -> str:
        """The number in E.164 form."""
        import phonenumbers

        try:
            number = phonenumbers.parse(raw, self._region)
        except phonenumbers.NumberParseException as error:
            raise ValueError(str(error)) from None
        if not phonenumbers.is_valid_number(number):
            raise ValueError("not a valid phone number")
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
