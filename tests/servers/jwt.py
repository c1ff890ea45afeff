"""Prints a Ghost Admin API token (JWT, 5 minutes) for a key "id:hexsecret": jwt.py KEY"""
import base64, hashlib, hmac, json, sys, time

kid, secret = sys.argv[1].split(":")
now = int(time.time())
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
part = lambda d: b64(json.dumps(d, separators=(",", ":")).encode())
msg = part({"alg": "HS256", "typ": "JWT", "kid": kid}) + "." + part({"iat": now, "exp": now + 300, "aud": "/admin/"})
print(msg + "." + b64(hmac.new(bytes.fromhex(secret), msg.encode(), hashlib.sha256).digest()))
