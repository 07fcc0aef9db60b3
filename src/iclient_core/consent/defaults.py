"""Example texts a first install publishes, clearly marked as examples to replace.

They are deliberately plain: a business must adapt them with its own legal advice.
They are stored with ``{business}`` where the business is named; pages show the business's
name in force instead (:meth:`~iclient_core.consent.model.ConsentVersion.shown_for`), so the
texts follow a rename of the business.
"""

from __future__ import annotations

DEFAULT_KINDS: tuple[tuple[str, bool], ...] = (
    ("terms", True),
    ("privacy", True),
    ("marketing", False),
)

_EXAMPLE_PT = "> **Texto de exemplo.** {business} deve substituí-lo pelo seu próprio texto.\n\n"
_EXAMPLE_EN = "> **Example text.** {business} must replace it with its own text.\n\n"

DEFAULT_TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "terms": {
        "pt": (
            "Termos e Condições de utilização",
            _EXAMPLE_PT + "## 1. Objeto\n\n"
            "Estes termos regulam a utilização da área de cliente de {business}, onde pode "
            "consultar e descarregar documentos e faturas, pedir e aceitar orçamentos e "
            "manter os seus dados atualizados.\n\n"
            "## 2. Conta\n\n"
            "A conta é pessoal. Guarde a sua palavra-passe em segurança e avise-nos se "
            "suspeitar de uma utilização indevida.\n\n"
            "## 3. Documentos e orçamentos\n\n"
            "Os documentos disponibilizados são cópias dos originais emitidos por {business}. "
            "A aceitação de um orçamento na área de cliente tem o mesmo valor que a aceitação "
            "por escrito.\n\n"
            "## 4. Alterações\n\n"
            "Se estes termos mudarem, pedimos-lhe que aceite a nova versão no seu próximo "
            "acesso.\n",
        ),
        "en": (
            "Terms and Conditions of use",
            _EXAMPLE_EN + "## 1. Purpose\n\n"
            "These terms govern the use of {business}'s client area, where you can view and "
            "download documents and invoices, request and accept quotes and keep your details "
            "up to date.\n\n"
            "## 2. Account\n\n"
            "Your account is personal. Keep your password safe and tell us if you suspect "
            "misuse.\n\n"
            "## 3. Documents and quotes\n\n"
            "Documents made available are copies of the originals issued by {business}. "
            "Accepting a quote in the client area is as binding as accepting it in writing.\n\n"
            "## 4. Changes\n\n"
            "If these terms change, we will ask you to accept the new version on your next "
            "visit.\n",
        ),
    },
    "privacy": {
        "pt": (
            "Política de Privacidade",
            _EXAMPLE_PT + "## Quem trata os seus dados\n\n"
            "{business} é responsável pelo tratamento dos dados pessoais recolhidos nesta área "
            "de cliente.\n\n"
            "## Que dados e para quê\n\n"
            "Nome, apelido, telefone e e-mail, para gerir a sua conta e a relação comercial; "
            "registos de acesso (data, endereço IP), para segurança e prova do consentimento.\n\n"
            "## Durante quanto tempo\n\n"
            "Enquanto a conta existir. Documentos fiscais e provas de consentimento são "
            "conservados pelo prazo que a lei exige, mesmo após a eliminação da conta.\n\n"
            "## Os seus direitos\n\n"
            "Pode consultar e descarregar os seus dados, corrigi-los e pedir a eliminação da "
            "conta na página «A minha conta». Pode também apresentar reclamação à CNPD.\n",
        ),
        "en": (
            "Privacy Policy",
            _EXAMPLE_EN + "## Who processes your data\n\n"
            "{business} is the controller of the personal data collected in this client area.\n\n"
            "## What data and why\n\n"
            "First and last name, phone and e-mail, to run your account and the business "
            "relationship; access records (date, IP address), for security and as proof of "
            "consent.\n\n"
            "## For how long\n\n"
            "As long as the account exists. Tax documents and consent evidence are kept for "
            "the period the law requires, even after the account is deleted.\n\n"
            "## Your rights\n\n"
            "You can view and download your data, correct it and ask for your account to be "
            'deleted on the "My account" page. You may also complain to the data protection '
            "authority.\n",
        ),
    },
    "marketing": {
        "pt": (
            "Comunicações comerciais por e-mail",
            _EXAMPLE_PT
            + "Aceito receber por e-mail novidades e promoções de {business}. Posso retirar este "
            "consentimento a qualquer momento na página «A minha conta».\n",
        ),
        "en": (
            "Marketing e-mails",
            _EXAMPLE_EN
            + "I agree to receive news and offers from {business} by e-mail. I can withdraw "
            'this consent at any time on the "My account" page.\n',
        ),
    },
}
