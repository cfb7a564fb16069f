"""Does the service keep its contract? Your own check_service, run against your own create_app."""

import logging

from fastapi.testclient import TestClient

from assistant.service import Metrics, create_app
from tests.contract import check_service


def make_client(answer_fn):
    return TestClient(create_app(answer_fn, Metrics(), logging.getLogger("contract")))


def test_the_service_keeps_its_contract():
    """Does check_service pass on this repository's create_app?"""
    check_service(make_client)
