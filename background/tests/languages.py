"""Which language a mail is written in, seen from inside `render_mail`."""

from django.utils import translation

from background import mail


def languages_while_rendering(monkeypatch) -> list[str]:
    """A list that collects the language active each time a mail template is rendered from now on."""
    seen = []
    real = mail.render_to_string

    def spy(name, context):
        seen.append(translation.get_language())
        return real(name, context)

    monkeypatch.setattr(mail, "render_to_string", spy)
    return seen
