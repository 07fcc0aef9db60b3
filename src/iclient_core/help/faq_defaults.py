"""The starting FAQ a new portal publishes in each language, for staff to edit.

Each entry is (category, question, answer in Markdown). Links are the portal's own paths.
"""

from __future__ import annotations

DEFAULT_FAQ: dict[str, list[tuple[str, str, str]]] = {
    "pt": [
        (
            "Área reservada",
            "Como me registo na área reservada?",
            "1. Abra a página [Registar](/pt/auth/sign-up).\n"
            "2. Preencha o primeiro e o último nome, o telefone e o e-mail.\n"
            "3. Clique em **Registar**.\n"
            "4. Abra o e-mail de activação que lhe enviámos e escolha a sua palavra-passe.\n"
            "5. Entre em [Entrar](/pt/auth/sign-in) com o seu e-mail e a nova palavra-passe.\n\n"
            "Logo que entra pela primeira vez, pedimos-lhe que aceite os Termos e Condições e a "
            "Política de Privacidade: sem essa aceitação não pode usar a sua conta.",
        ),
        (
            "Área reservada",
            "Não recebi o e-mail de activação. O que faço?",
            "O e-mail chega normalmente em 2 ou 3 minutos. Se não o encontrar na caixa de "
            "entrada, procure na pasta de **Spam** ou **Lixo**. Se mesmo assim não o tiver, "
            "peça outro na página [Reenviar a activação](/pt/auth/resend-activation).",
        ),
        (
            "Área reservada",
            "Esqueci-me da palavra-passe. Como a recupero?",
            "1. Abra a página [Esqueceu-se da palavra-passe?](/pt/auth/forgot-password).\n"
            "2. Escreva o e-mail com que entra na sua conta e clique em **Enviar**.\n"
            "3. Abra o e-mail que lhe enviámos (veja também a pasta de Spam) e clique na "
            "ligação.\n"
            "4. Escolha a nova palavra-passe e confirme-a.\n"
            "5. Entre com a nova palavra-passe.",
        ),
        (
            "Documentos e orçamentos",
            "Onde encontro os meus documentos e faturas?",
            "Depois de entrar, abra **Os meus documentos** no menu. Encontra aí os ficheiros "
            "que a nossa equipa colocou na sua área; clique em **Descarregar** para guardar "
            "uma cópia.",
        ),
        (
            "Documentos e orçamentos",
            "Como peço um orçamento?",
            "Abra **Os meus orçamentos** e clique em **Pedir um orçamento**, ou use a página "
            "[Pedir um orçamento](/pt/quote-request) se ainda não tem conta. Descreva o que "
            "precisa: a nossa equipa responde com o orçamento, que pode aceitar ou recusar na "
            "sua área.",
        ),
        (
            "Dados e privacidade",
            "Que dados guardam sobre mim e como os posso consultar?",
            "Guardamos os dados que nos deu (nome, telefone, e-mail), os seus documentos, "
            "orçamentos e as aceitações dos textos legais. Em **A minha conta** pode "
            "descarregar todos os seus dados, rever as versões dos textos que aceitou e pedir "
            "que a sua conta seja apagada. Leia a [Política de Privacidade](/pt/legal/privacy).",
        ),
    ],
    "en": [
        (
            "Private area",
            "How do I register for the private area?",
            "1. Open the [Register](/en/auth/sign-up) page.\n"
            "2. Fill in your first and last name, phone number and e-mail address.\n"
            "3. Click **Register**.\n"
            "4. Open the activation e-mail we sent you and choose your password.\n"
            "5. [Sign in](/en/auth/sign-in) with your e-mail address and the new password.\n\n"
            "The first time you sign in we ask you to accept the Terms and Conditions and the "
            "Privacy Policy: you cannot use your account without accepting them.",
        ),
        (
            "Private area",
            "I did not get the activation e-mail. What do I do?",
            "It usually arrives within 2 or 3 minutes. If it is not in your inbox, look in "
            "the **Spam** or **Junk** folder. If it is still not there, register again with "
            "the [resend activation](/en/auth/resend-activation) page to get another one.",
        ),
        (
            "Private area",
            "I forgot my password. How do I get back in?",
            "1. Open the [Forgot your password?](/en/auth/forgot-password) page.\n"
            "2. Type the e-mail address you sign in with and click **Send**.\n"
            "3. Open the e-mail we sent you (look in the Spam folder too) and follow the link.\n"
            "4. Choose your new password and confirm it.\n"
            "5. Sign in with the new password.",
        ),
        (
            "Documents and quotes",
            "Where are my documents and invoices?",
            "After signing in, open **My documents** in the menu. The files our team put in "
            "your area are there; click **Download** to keep a copy.",
        ),
        (
            "Documents and quotes",
            "How do I ask for a quote?",
            "Open **My quotes** and click **Ask for a quote**, or use the "
            "[Ask for a quote](/en/quote-request) page if you have no account yet. Describe what "
            "you need: our team answers with a quote, which you accept or decline in your area.",
        ),
        (
            "Data and privacy",
            "What data do you keep about me, and how can I see it?",
            "We keep the details you gave us (name, phone, e-mail), your documents, quotes and "
            "your acceptances of the legal texts. In **My account** you can download all your "
            "data, re-read the versions of the texts you accepted and ask for your account to "
            "be deleted. Read the [Privacy Policy](/en/legal/privacy).",
        ),
    ],
}
