#!/usr/bin/python3
"""A real SMTP server for tests/e2e/test_notify: Debian's python3-aiosmtpd
with STARTTLS required (a throwaway self-signed certificate) and AUTH
(LOGIN/PLAIN, only after STARTTLS) for one user.

usage: smtp_server.py DIR PORT CERT KEY USER PASSWORD

Every message accepted is parsed back with Python's email package and
written to DIR/msg-N.txt as lines "key: value" (from, to, subject — the
decoded RFC 2047 subject —, message-id, content-type, cte, auth) then a
blank line and the decoded body. While DIR/fail exists, DATA is answered
"451 4.3.0 try again later" and DIR/refused-N.txt is written instead.
Prints "READY" when listening; stops on SIGTERM.
"""
import email
import email.policy
import os
import signal
import ssl
import sys
import time
import warnings

warnings.simplefilter("ignore")   # aiosmtpd's own use of login_data warns

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

directory, port, cert, key, user, password = sys.argv[1:7]
count = {"ok": 0, "refused": 0}


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword)
          and auth_data.login.decode() == user
          and auth_data.password.decode() == password)
    return AuthResult(success=ok, handled=False, auth_data=auth_data)


class Handler:
    async def handle_DATA(self, server, session, envelope):
        if os.path.exists(os.path.join(directory, "fail")):
            count["refused"] += 1
            with open(os.path.join(directory, "refused-%d.txt" % count["refused"]), "w") as f:
                f.write("refused\n")
            return "451 4.3.0 try again later"
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        count["ok"] += 1
        ad = session.auth_data
        login = ad.login.decode() if isinstance(ad, LoginPassword) else "none"
        if not session.authenticated:
            login = "none"
        body = msg.get_content()
        tmp = os.path.join(directory, ".msg-%d.tmp" % count["ok"])
        with open(tmp, "w", encoding="utf-8") as f:
            f.write("from: %s\n" % envelope.mail_from)
            f.write("to: %s\n" % ",".join(envelope.rcpt_tos))
            f.write("subject: %s\n" % msg["subject"])
            f.write("message-id: %s\n" % msg["message-id"])
            f.write("content-type: %s\n" % msg.get_content_type())
            f.write("charset: %s\n" % msg.get_content_charset())
            f.write("cte: %s\n" % msg["content-transfer-encoding"])
            f.write("tls: %s\n" % ("yes" if session.ssl is not None else "no"))
            f.write("auth: %s\n" % login)
            f.write("\n")
            f.write(body)
        os.rename(tmp, os.path.join(directory, "msg-%d.txt" % count["ok"]))
        return "250 2.0.0 accepted as message %d" % count["ok"]


ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
ctx.load_cert_chain(cert, key)
controller = Controller(Handler(), hostname="127.0.0.1", port=int(port),
                        tls_context=ctx, require_starttls=True,
                        authenticator=authenticator, auth_require_tls=True,
                        auth_exclude_mechanism=["CRAM-MD5"])
controller.start()
print("READY", flush=True)
signal.signal(signal.SIGTERM, lambda *a: (controller.stop(), sys.exit(0)))
while True:
    time.sleep(3600)
