"""Reference snapshots kept in memory: reused, and rebuilt when rows change."""

import pytest
from django.core.cache import cache
from django.db import transaction

from accounts.models import ServiceType
from accounts.services import service_types_offered
from portal import refcache
from tickets.models import Topic
from tickets.services import topics_offered

pytestmark = pytest.mark.django_db


def test_a_snapshot_is_built_once_and_then_costs_no_query(django_assert_num_queries):
    first = topics_offered()
    with django_assert_num_queries(0):
        again = topics_offered()
    assert again is first
    fault = Topic.objects.get(code="fault")
    assert first[fault.pk].category.code == fault.category.code
    assert first[fault.pk].service_type_ids == {
        item.pk for item in fault.service_types.all()
    }


def test_saving_a_row_rebuilds_the_snapshot_in_this_process():
    internet = ServiceType.objects.get(code="internet")
    assert internet.pk in service_types_offered()

    internet.is_active = False
    internet.save()

    assert internet.pk not in service_types_offered()


def test_a_change_in_the_m2m_list_of_a_topic_rebuilds_the_topics():
    fault = Topic.objects.get(code="fault")
    mobile = ServiceType.objects.get(code="mobile")
    assert mobile.pk not in topics_offered()[fault.pk].service_type_ids

    fault.service_types.set([mobile])

    assert topics_offered()[fault.pk].service_type_ids == {mobile.pk}


def test_another_process_change_is_seen_after_the_check_interval(settings):
    settings.PORTAL_REFERENCE_CHECK_SECONDS = 0
    first = topics_offered()
    # What another process does: its rows changed, and it moved the stamp.
    Topic.objects.filter(code="fault").update(name="Другое имя")
    assert topics_offered() is first  # no signal, the stamp did not move

    cache.set(refcache.VERSION_KEY, "moved by another process")

    rebuilt = topics_offered()
    assert rebuilt is not first
    assert any(topic.name == "Другое имя" for topic in rebuilt.values())


def test_a_change_moves_the_shared_stamp_for_the_other_processes():
    topics_offered()
    stamp = cache.get(refcache.VERSION_KEY)

    Topic.objects.filter(code="fault").get().save()

    assert cache.get(refcache.VERSION_KEY) not in (None, stamp)


class Abandoned(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_rows_of_a_rolled_back_transaction_do_not_stay_in_the_snapshot(
    reference_data, django_assert_num_queries
):
    fault = Topic.objects.get(code="fault")
    seen = {}

    def abandoned_change():
        with transaction.atomic():
            seen["phantom"] = Topic.objects.create(
                category=fault.category, code="phantom", name="Призрак"
            )
            seen["inside"] = topics_offered()  # this transaction sees its row
            raise Abandoned

    with pytest.raises(Abandoned):
        abandoned_change()
    phantom = seen["phantom"]
    assert phantom.pk in seen["inside"]

    kept = topics_offered()
    assert phantom.pk not in kept
    with django_assert_num_queries(0):
        assert topics_offered() is kept
