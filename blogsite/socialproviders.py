"""Social sign-in providers configured from the environment (allauth's SOCIALACCOUNT_PROVIDERS).

Each provider is on when its client id and secret are set; more providers, or the same ones without a
restart, can be added in the admin under "Social applications". Nothing here needs a code change."""

from collections.abc import Mapping


def _get(environ: Mapping[str, str], name: str) -> str:
    return environ.get(name, "").strip()


def social_providers(environ: Mapping[str, str]) -> dict:
    """allauth's SOCIALACCOUNT_PROVIDERS: the scopes each provider asks for, and an app for each provider whose
    credentials the environment holds."""
    providers: dict = {
        "github": {"SCOPE": ["read:user", "user:email"]},
        "google": {"SCOPE": ["profile", "email"], "AUTH_PARAMS": {"prompt": "select_account"}},
        "openid_connect": {"OAUTH_PKCE_ENABLED": True},
    }
    for provider, prefix in (("github", "GITHUB"), ("google", "GOOGLE")):
        client_id, secret = _get(environ, f"{prefix}_CLIENT_ID"), _get(environ, f"{prefix}_CLIENT_SECRET")
        if client_id and secret:
            providers[provider]["APPS"] = [{"client_id": client_id, "secret": secret, "key": ""}]
    server_url = _get(environ, "OIDC_SERVER_URL")
    client_id, secret = _get(environ, "OIDC_CLIENT_ID"), _get(environ, "OIDC_CLIENT_SECRET")
    if server_url and client_id:
        providers["openid_connect"]["APPS"] = [
            {
                "provider_id": _get(environ, "OIDC_PROVIDER_ID") or "oidc",
                "name": _get(environ, "OIDC_NAME") or "OpenID Connect",
                "client_id": client_id,
                "secret": secret,
                "settings": {"server_url": server_url},
            }
        ]
    return providers
