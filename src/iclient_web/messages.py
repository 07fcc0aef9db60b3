"""The one place where the core's stable error codes become sentences in the page's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from iclient_web.deps import services

FIELD_MESSAGES = {
    "required": _l("This field is required."),
    "too_long": _l("This is too long."),
    "invalid_characters": _l("This contains characters that are not allowed."),
    "invalid_choice": _l("Choose one of the options."),
    "email_invalid": _l("Enter a valid e-mail address, like name@example.com."),
    "email_mixed_scripts": _l(
        "This address mixes letters of different alphabets (for example a Cyrillic а among "
        "Latin letters), so it only looks like another one. Type it again."
    ),
    "invisible_only": _l("Type some letters: this contains only invisible or accent marks."),
    "email_unchanged": _l("This is already your e-mail address."),
    "email_taken": _l("This e-mail address is already in use by another account."),
    "phone_invalid": _l("Enter a valid phone number, e.g. 912 345 678 or +351 912 345 678."),
    "nif_invalid": _l(
        "This NIF is not valid: it has nine digits, the last one a check digit. "
        "Copy it from a tax document."
    ),
    "quote_prefix_invalid": _l(
        "Use one to twelve letters and digits, without spaces or symbols (for example ORC)."
    ),
    "too_many_lines": _l("Use at most six lines."),
    "password_too_long": _l("This password is too long."),
    "password_personal": _l(
        "Do not use your name, your e-mail address or the business name in the password."
    ),
    "password_common": _l(
        "This password is too common or too easy to guess. Try a longer phrase of unrelated words."
    ),
    "password_mismatch": _l("The two passwords do not match."),
    "password_wrong": _l("The current password is not correct."),
    "code_wrong": _l(
        "The code is not right, or it was used already. Type the code the app shows now, or "
        "an unused recovery code."
    ),
    "two_step_on": _l("An authenticator app is already on."),
    "two_step_off": _l("Two-step sign-in is off: there are no recovery codes to renew."),
    "two_step_required": _l(
        "The business requires staff to sign in in two steps: this cannot be turned off."
    ),
    "passkey_rejected": _l("The passkey could not be added. Try again with this browser."),
    "consent_required": _l("You need to accept this text to use your private area."),
    "sms_code_wrong": _l("This code is not correct. Check the SMS and type it again."),
    "code_expired": _l("This code is no longer valid. Ask for a new one."),
    "kind_invalid": _l("Use 2 to 32 lowercase letters, digits, - or _, starting with a letter."),
    "kind_taken": _l("A kind with this key already exists."),
    "version_conflict": _l("Someone published a version at the same time. Reload and check."),
    "nothing_to_translate": _l("There is no current version to translate yet."),
    "translation_exists": _l("The current version already has a text in this language."),
    # staff area
    "not_pending": _l("This account is already activated (or disabled): no link was sent."),
    "last_admin": _l("This is the last active manager: make someone else a manager first."),
    "two_step_own": _l(
        "Your own two-step sign-in is turned off on your account's security page, with a code."
    ),
    "two_step_not_on": _l("This account does not sign in in two steps: nothing was turned off."),
    "vat_rates_invalid": _l(
        "Enter up to 10 percentages between 0 and 100, e.g. 23, 13, 6, 0 (or 23; 5,5; 0)."
    ),
    "upload_limit_invalid": _l("Enter a whole number of megabytes between 1 and 5000."),
    "accent_color_invalid": _l("Enter a colour as # and six hexadecimal digits, e.g. #0b5cad."),
    "accent_color_low_contrast": _l(
        "This colour is too light: white text on it, or it as text on the page, would be hard "
        "to read. Choose a darker shade."
    ),
    "file_empty": _l("Choose a CSV file: this one is empty."),
    "file_unreadable": _l("This does not look like a CSV file. Save the sheet as CSV and retry."),
    "file_header": _l(
        "The first line must name the columns: first_name, last_name, email (or nome, "
        "apelido, email), and optionally phone and language."
    ),
    "file_malformed": _l(
        "The file could not be read as CSV (a cell is too long or a quote is not closed)."
    ),
    "file_too_many_rows": _l("The file has more than 20 000 rows: split it into smaller files."),
    "import_conflict": _l(
        "One of these addresses was registered while the import ran. Nothing was created: "
        "check the file again."
    ),
}


def field_message(code: str) -> str:
    """The sentence for one field error code."""
    if code == "password_too_short":
        from flask_babel import gettext

        return gettext(
            "Use at least %(count)d characters. A phrase of a few words is easy to remember.",
            count=services().settings.password_policy.min_length,
        )
    message = FIELD_MESSAGES.get(code)
    return str(message) if message is not None else str(_l("This value is not valid."))
