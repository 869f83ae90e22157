"""apps.core.api.TransitionView: the one base of every transition endpoint (dispatch, bidding,
certification). A made-up transition shows what each of them promises: the object is read through
an access function before the body is looked at, the service gets ``actor=``, a refused
transition is CONTRACT's error body, and the schema is read from the same attributes."""

from __future__ import annotations

import pytest
from django.urls import path
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers, status
from rest_framework.test import APIRequestFactory, force_authenticate

from apps.accounts.models import User
from apps.core.api import TransitionView
from apps.core.errors import NotFound, StateConflict


class Lamp:
    def __init__(self, pk: int):
        self.pk = pk
        self.state = "on"
        self.switched_by = None
        self.note = ""


class LampSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    state = serializers.CharField()
    note = serializers.CharField()


class SwitchOffSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=10)


LAMPS: dict[int, Lamp] = {}


def lamp_switch_off(*, actor, lamp: Lamp, note: str) -> Lamp:
    if lamp.state != "on":
        raise StateConflict("The lamp is already off.")
    lamp.state, lamp.switched_by, lamp.note = "off", actor, note
    return lamp


def lamp_get_for_user(*, user, pk) -> Lamp:
    lamp = LAMPS.get(pk)
    if lamp is None:
        raise NotFound("Lamp not found.")
    return lamp


class LampSwitchOffView(TransitionView):
    service = lamp_switch_off
    subject = "lamp"
    input_serializer = SwitchOffSerializer
    output_serializer = LampSerializer

    def get_subject(self, request, pk):
        return lamp_get_for_user(user=request.user, pk=pk)


class LampForgetView(LampSwitchOffView):
    """Forget a lamp (answered 201, to show the status a view names)."""

    input_serializer = None
    success_status = status.HTTP_201_CREATED

    def perform(self, request, subject):
        return subject


@pytest.fixture
def lamp():
    LAMPS.clear()
    LAMPS[1] = Lamp(1)
    yield LAMPS[1]
    LAMPS.clear()


@pytest.fixture
def user():
    return User(pk=7, username="lamplighter")


def post(view, pk, data, user):
    request = APIRequestFactory().post(f"/api/v1/lamps/{pk}/switch-off/", data, format="json")
    if user is not None:
        force_authenticate(request, user=user)
    return view.as_view()(request, pk=pk)


def test_the_service_gets_the_actor_the_object_and_the_body_and_the_object_is_answered(lamp, user):
    response = post(LampSwitchOffView, 1, {"note": "bedtime"}, user)
    assert response.status_code == 200
    assert response.data == {"id": 1, "state": "off", "note": "bedtime"}
    assert lamp.switched_by is user


def test_an_unknown_object_is_a_json_404_before_the_body_is_read(lamp, user):
    for body in ({"note": "bedtime"}, {"note": "far too long a note"}, {}):
        response = post(LampSwitchOffView, 2, body, user)
        assert response.status_code == 404
        assert response.data == {"detail": "Lamp not found."}


def test_an_invalid_body_is_a_400_on_its_fields_and_changes_nothing(lamp, user):
    response = post(LampSwitchOffView, 1, {"note": "far too long a note"}, user)
    assert response.status_code == 400
    assert set(response.data) == {"note"}
    assert lamp.state == "on"


def test_a_refused_transition_is_contracts_error_body(lamp, user):
    post(LampSwitchOffView, 1, {"note": "bedtime"}, user)
    response = post(LampSwitchOffView, 1, {"note": "again"}, user)
    assert response.status_code == 409
    assert response.data == {"detail": "The lamp is already off."}
    assert lamp.note == "bedtime"


def test_anonymous_is_refused_before_the_object_is_read(lamp):
    response = post(LampSwitchOffView, 2, {"note": "bedtime"}, None)
    assert response.status_code == 401
    assert lamp.state == "on"


def test_a_view_names_its_success_status(lamp, user):
    response = post(LampForgetView, 1, {}, user)
    assert response.status_code == 201
    assert response.data["id"] == 1


def test_the_schema_is_read_from_the_views_attributes():
    patterns = [
        path("api/v1/lamps/<int:pk>/switch-off/", LampSwitchOffView.as_view()),
        path("api/v1/lamps/<int:pk>/forget/", LampForgetView.as_view()),
    ]
    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    switch_off = schema["paths"]["/api/v1/lamps/{id}/switch-off/"]["post"]
    forget = schema["paths"]["/api/v1/lamps/{id}/forget/"]["post"]
    body = switch_off["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/SwitchOffRequest"}
    assert switch_off["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Lamp"
    }
    assert {"400", "401", "403", "404", "409"} <= set(switch_off["responses"])
    assert "description" not in switch_off  # the base's docstring is for developers
    assert "requestBody" not in forget
    assert "201" in forget["responses"] and "200" not in forget["responses"]
    assert forget["description"] == "Forget a lamp (answered 201, to show the status a view names)."
