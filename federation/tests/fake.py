"""A minimal fediverse instance on 127.0.0.1 for the tests: one account, `alice`, whose actor document it
serves, and inboxes that record what they receive after checking its HTTP signature on their own (with the
sending blog's public key, which the test hands over), independently of the site's signing code."""

import base64
import hashlib
import json
import threading
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from federation.keys import new_key_pair


class FakeInstance:
    def __init__(self):
        self.public_key_pem, self.private_key_pem = new_key_pair()
        self.base = ""
        self.received: list[dict] = []
        self.blog_public_keys: dict[str, str] = {}
        self.inbox_status = 202
        self.fetches = 0
        # Other files it serves (pictures): path -> (status, content type, body); `served` counts GETs of each.
        self.files: dict[str, tuple[int, str, bytes]] = {}
        self.served: dict[str, int] = {}
        self.lock = threading.Lock()

    @property
    def actor_id(self) -> str:
        return f"{self.base}/users/alice"

    @property
    def key_id(self) -> str:
        return f"{self.actor_id}#main-key"

    def actor_document(self) -> dict:
        return {
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": self.actor_id,
            "type": "Person",
            "preferredUsername": "alice",
            "name": "Alice",
            "url": f"{self.base}/@alice",
            "icon": {"type": "Image", "url": f"{self.base}/alice.png"},
            "inbox": f"{self.actor_id}/inbox",
            "endpoints": {"sharedInbox": f"{self.base}/inbox"},
            "publicKey": {"id": self.key_id, "owner": self.actor_id, "publicKeyPem": self.public_key_pem},
        }

    def check_signature(self, method: str, path: str, headers, body: bytes) -> str:
        """'ok', or what is wrong with the request's draft-cavage signature."""
        params = dict(part.split("=", 1) for part in headers["Signature"].split(","))
        params = {name: value.strip('"') for name, value in params.items()}
        pem = self.blog_public_keys.get(params["keyId"])
        if pem is None:
            return "unknown key " + params["keyId"]
        if "digest" not in params["headers"].split():
            return "digest not signed"
        expected = "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()
        if headers["Digest"] != expected:
            return "digest mismatch"
        parsedate_to_datetime(headers["Date"])
        lines = []
        for name in params["headers"].split():
            value = f"{method.lower()} {path}" if name == "(request-target)" else headers[name]
            lines.append(f"{name}: {value}")
        key = serialization.load_pem_public_key(pem.encode())
        try:
            key.verify(
                base64.b64decode(params["signature"]), "\n".join(lines).encode(), padding.PKCS1v15(), hashes.SHA256()
            )
        except InvalidSignature:
            return "bad signature"
        return "ok"

    def handler(self):
        instance = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                with instance.lock:
                    instance.fetches += 1
                if self.path == "/users/alice":
                    self._answer(200, json.dumps(instance.actor_document()).encode())
                elif self.path in instance.files:
                    with instance.lock:
                        instance.served[self.path] = instance.served.get(self.path, 0) + 1
                    status, content_type, body = instance.files[self.path]
                    self._answer(status, body, content_type)
                else:
                    self._answer(404, b"{}")

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                verdict = instance.check_signature("POST", self.path, self.headers, body)
                with instance.lock:
                    instance.received.append({"path": self.path, "signature": verdict, "activity": json.loads(body)})
                self._answer(instance.inbox_status, b"")

            def _answer(self, status, body, content_type="application/activity+json"):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        return Handler
