"""List endpoints of the communication and status API cost the same queries for many rows."""

from datetime import date, timedelta

from rapport.comms import services as comms
from tests.comms.factories import party, plan_row, publish, sent_delivery


def grow(world, n: int):
    """n more recipients, plan rows, published updates (with obstacles) and sent deliveries."""
    start = date(2025, 1, 6) + timedelta(weeks=10 * (world.alpha.status_updates.count() + 1))
    for k in range(n):
        who = party(world, f"Reader {start:%j}-{k}")
        row = plan_row(world, [who], comm_type=("simple", "detailed", "dashboard")[k % 3])
        period = (start + timedelta(weeks=k), start + timedelta(weeks=k, days=6))
        update = publish(
            world,
            period=period,
            obstacles=[{"text": "Late", "customers": [who]}],
            decisions=[{"text": "Decide", "needed_from": who}],
        )
        delivery = sent_delivery(row, who, update)
        comms.feedback_record(delivery=delivery, party=who, rating=4)


def test_list_endpoints_do_not_grow_with_rows(world, client_for, django_assert_max_num_queries):
    client = client_for(world.viewer)
    base = f"/api/v1/projects/{world.alpha.pk}"
    paths = [
        f"{base}/comms/plan",
        f"{base}/comms/deliveries",
        f"{base}/status-updates",
        f"{base}/risks",
        "/api/v1/orgs/acme/board",
    ]
    grow(world, 2)
    counts = {}
    for path in paths:
        with django_assert_max_num_queries(30) as captured:
            assert client.get(path).status_code == 200, path
        counts[path] = len(captured.captured_queries)
    grow(world, 8)
    for path in paths:
        with django_assert_max_num_queries(counts[path]):
            response = client.get(path)
        assert response.status_code == 200
    assert response.json()["items"][0]["project"] == "ALPHA"
