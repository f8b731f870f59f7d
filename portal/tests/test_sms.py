"""The HTTP SMS gateway against a real HTTP server on this machine."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from portal.sms import HttpSmsBackend, SmsGatewayError, sms_send
from tickets import services
from tickets.tests.factories import TicketFactory


class Gateway:
    """A tiny SMS provider: records what it gets, answers with ``status``."""

    def __init__(self, status=200):
        self.status = status
        self.received = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                gateway.received.append(
                    {
                        "auth": self.headers["Authorization"],
                        "body": json.loads(self.rfile.read(length)),
                    }
                )
                self.send_response(gateway.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/send"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(settings):
    gateway = Gateway()
    settings.SMS_BACKEND = "portal.sms.HttpSmsBackend"
    settings.SMS_HTTP_URL = gateway.url
    settings.SMS_HTTP_TOKEN = "secret-token"
    settings.SMS_HTTP_SENDER = "Operator"
    yield gateway
    gateway.close()


def test_an_sms_is_posted_to_the_gateway_with_the_token(gateway):
    sms_send(phone="+79123450000", text="Обращение принято")

    assert gateway.received == [
        {
            "auth": "Bearer secret-token",
            "body": {
                "to": "+79123450000",
                "text": "Обращение принято",
                "sender": "Operator",
            },
        }
    ]


def test_a_refusal_or_no_answer_is_an_error_worth_retrying(gateway, settings):
    gateway.status = 503
    with pytest.raises(SmsGatewayError, match="503"):
        HttpSmsBackend().send("+79123450000", "текст")

    settings.SMS_HTTP_URL = "http://127.0.0.1:1/send"  # nothing listens there
    with pytest.raises(SmsGatewayError, match="unreachable"):
        HttpSmsBackend().send("+79123450000", "текст")
    assert isinstance(SmsGatewayError("x"), services.NOTIFICATION_TRANSIENT_ERRORS)


@pytest.mark.django_db
def test_a_phone_ticket_acknowledgement_goes_through_the_gateway(
    gateway, django_capture_on_commit_callbacks
):
    ticket = TicketFactory(reply_channel="phone", contact_phone="+79123450000")

    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_route(ticket_id=ticket.pk)

    assert [item["body"]["to"] for item in gateway.received] == ["+79123450000"]
    assert ticket.number in gateway.received[0]["body"]["text"]
