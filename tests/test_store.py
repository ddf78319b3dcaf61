"""The room database on SQLite and on PostgreSQL: round trips, expiry, limits, secrets, concurrent
sends from threads, and a restart (reopening the SQLite file)."""

import threading

import numpy as np
import pytest
import sqlalchemy as sa

from room import store

STEPS = 28


class Clock:
    """A clock the tests move by hand."""

    def __init__(self, now: float = 1_800_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'rooms.sqlite3'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def make_store(database, clock):
    opened = []

    def make(**settings):
        opened.append(store.Store(database, clock=clock, **settings))
        return opened[-1]

    yield make
    for each in opened:
        each.close()


def a_drawing(digit: int = 7, read: int | None = None, seed: int = 0) -> dict:
    pixels = np.random.default_rng(seed).integers(0, 256, (28, 28), dtype=np.uint8)
    read = digit if read is None else read
    return dict(pixels=pixels, strokes=2, meant=digit, read=read,
                step_predictions=np.r_[np.full(STEPS - 8, 1), np.full(8, read)])


def count_rows(rooms_store, table) -> int:
    with rooms_store.engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def test_a_new_room_has_a_short_code_a_hashed_secret_and_a_versioned_schema(make_store):
    rooms_store = make_store()
    room = rooms_store.create_room()
    assert len(room.code) == store.CODE_LENGTH and set(room.code) <= set(store.CODE_ALPHABET)
    assert len(room.secret) >= 20
    with rooms_store.engine.connect() as connection:
        row = connection.execute(sa.select(store.rooms)).one()
    assert room.secret not in [str(value) for value in row]  # only its hash is kept
    assert row.secret_sha256 == store._sha256(room.secret)
    assert rooms_store.schema_version() == store.SCHEMA_VERSION
    summary = rooms_store.room_summary(room.code.lower())  # codes are read case-insensitively
    assert (summary.code, summary.drawings, summary.closed) == (room.code, (), False)
    assert summary.expires_at - summary.created_at == store.ROOM_LIFETIME_S


def test_drawings_come_back_as_they_were_sent_oldest_first(make_store, clock):
    rooms_store = make_store()
    code = rooms_store.create_room().code
    sent = [a_drawing(7, seed=0), a_drawing(3, read=5, seed=1)]
    ids = []
    for session, drawing in zip(("phone-a", "phone-b"), sent):
        ids.append(rooms_store.add_drawing(code, session, **drawing))
        clock.advance(0.5)
    summary = rooms_store.room_summary(code)
    assert [d.id for d in summary.drawings] == ids
    for drawing, stored in zip(sent, summary.drawings):
        np.testing.assert_array_equal(stored.pixels, drawing["pixels"])
        np.testing.assert_array_equal(stored.step_predictions, drawing["step_predictions"])
        assert (stored.meant, stored.read, stored.strokes) == (drawing["meant"], drawing["read"], 2)
    assert [d.correct for d in summary.drawings] == [True, False]
    assert summary.drawings[1].created_at - summary.drawings[0].created_at == pytest.approx(0.5)


def test_rooms_expire_and_are_deleted_with_their_drawings(make_store, clock):
    rooms_store = make_store(room_lifetime_s=3600)
    old = rooms_store.create_room()
    rooms_store.add_drawing(old.code, "phone", **a_drawing())
    clock.advance(1800)
    young = rooms_store.create_room()
    clock.advance(1800)  # the first room's hour is up; the second has half an hour left
    for action in (lambda: rooms_store.room_summary(old.code),
                   lambda: rooms_store.add_drawing(old.code, "other", **a_drawing())):
        with pytest.raises(ValueError, match=f"no room {old.code}.*expired"):
            action()
    assert rooms_store.expire_rooms() == 1
    assert count_rows(rooms_store, store.rooms) == 1 and count_rows(rooms_store, store.drawings) == 0
    assert rooms_store.room_summary(young.code).code == young.code


@pytest.mark.parametrize("change, message", [
    (dict(meant=10), "digit from 0 to 9"),
    (dict(meant=-1), "digit from 0 to 9"),
    (dict(meant="7"), "digit from 0 to 9"),
    (dict(meant=7.0), "digit from 0 to 9"),
    (dict(meant=True), "digit from 0 to 9"),
    (dict(meant=None), "digit from 0 to 9"),
    (dict(read=12), "digit from 0 to 9"),
    (dict(pixels=np.zeros((28, 27), np.uint8)), "28 x 28"),
    (dict(pixels=np.zeros((4000, 4000), np.uint8)), "28 x 28"),
    (dict(pixels=np.zeros((28, 28), np.float32)), "uint8"),
    (dict(pixels=b"\0" * 785), "784 bytes"),
    (dict(pixels="not a drawing"), "28 x 28"),
    (dict(strokes=0), "1 to 500 strokes"),
    (dict(strokes=10_000), "1 to 500 strokes"),
    (dict(step_predictions=np.full(29, 7)), "per-step readings"),
    (dict(step_predictions=np.full(28, 10)), "per-step readings"),
    (dict(step_predictions=np.full(28, 7.0)), "per-step readings"),
])
def test_bad_drawings_are_refused_with_a_message_and_change_nothing(make_store, change, message):
    rooms_store = make_store()
    code = rooms_store.create_room().code
    with pytest.raises(ValueError, match=message):
        rooms_store.add_drawing(code, "phone", **{**a_drawing(), **change})
    assert count_rows(rooms_store, store.drawings) == 0
    rooms_store.add_drawing(code, "phone", **a_drawing())  # the refusal did not use up the session's turn


@pytest.mark.parametrize("code, message", [("ZZZZ", "not a room code"), ("AB", "not a room code"),
                                           ("'; DROP TABLE rooms; --", "not a room code"),
                                           ("", "not a room code"), ("ACDE", "no room ACDE")])
def test_unknown_or_malformed_codes_are_refused(make_store, code, message):
    rooms_store = make_store()
    rooms_store.create_room()
    for action in (lambda: rooms_store.room_summary(code),
                   lambda: rooms_store.add_drawing(code, "phone", **a_drawing())):
        with pytest.raises(ValueError, match=message):
            action()
    assert count_rows(rooms_store, store.rooms) == 1


def test_one_session_sends_at_most_once_per_interval(make_store, clock):
    rooms_store = make_store(send_interval_s=2.0)
    code = rooms_store.create_room().code
    rooms_store.add_drawing(code, "phone-a", **a_drawing())
    clock.advance(1.5)
    with pytest.raises(ValueError, match=r"One drawing every 2 s.*0\.5 s"):
        rooms_store.add_drawing(code, "phone-a", **a_drawing(seed=1))
    rooms_store.add_drawing(code, "phone-b", **a_drawing())  # another session is not held back
    clock.advance(0.5)
    rooms_store.add_drawing(code, "phone-a", **a_drawing(seed=1))
    assert len(rooms_store.room_summary(code).drawings) == 3


def test_a_drawing_is_stored_once_however_often_it_is_sent(make_store, clock):
    rooms_store = make_store(send_interval_s=2.0)
    room, other = rooms_store.create_room(), rooms_store.create_room()
    rooms_store.add_drawing(room.code, "phone-a", **a_drawing())
    for wait_s in (0.0, 5.0):  # at once (inside the rate limit) and later: the same answer
        clock.advance(wait_s)
        with pytest.raises(store.AlreadySent, match=f"already in room {room.code}"):
            rooms_store.add_drawing(room.code, "phone-a", **a_drawing(read=3))  # the pixels decide, not the labels
    rooms_store.add_drawing(room.code, "phone-b", **a_drawing())  # the same pixels from another phone
    rooms_store.add_drawing(other.code, "phone-a", **a_drawing())  # or to another room
    clock.advance(2.0)
    rooms_store.add_drawing(room.code, "phone-a", **a_drawing(seed=1))  # a new drawing
    assert len(rooms_store.room_summary(room.code).drawings) == 3
    with rooms_store.engine.connect() as connection, pytest.raises(sa.exc.IntegrityError):
        row = connection.execute(sa.select(store.drawings).limit(1)).one()._asdict()
        del row["id"]
        connection.execute(store.drawings.insert().values(**row))  # the database itself refuses a copy


def test_concurrent_sends_of_one_drawing_store_it_once(make_store):
    rooms_store = make_store(send_interval_s=0.0)
    code = rooms_store.create_room().code
    outcomes, start = [], threading.Barrier(8)

    def press() -> None:
        start.wait()
        try:
            rooms_store.add_drawing(code, "phone-a", **a_drawing())
            outcomes.append("stored")
        except store.AlreadySent:
            outcomes.append("already")

    threads = [threading.Thread(target=press) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already"] * 7 + ["stored"]
    assert len(rooms_store.room_summary(code).drawings) == 1


def test_a_version_1_database_gains_the_sent_key_and_keeps_its_drawings(tmp_path, clock):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    old = sa.create_engine(url)
    with old.begin() as connection:  # schema 1, as the previous release made it
        connection.exec_driver_sql("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        connection.exec_driver_sql("INSERT INTO schema_version VALUES (1)")
        connection.exec_driver_sql("CREATE TABLE rooms (code VARCHAR(4) PRIMARY KEY, secret_sha256 VARCHAR(64) "
                                   "NOT NULL, created_at FLOAT NOT NULL, expires_at FLOAT NOT NULL, closed BOOLEAN "
                                   "NOT NULL)")
        connection.exec_driver_sql("CREATE TABLE drawings (id INTEGER PRIMARY KEY AUTOINCREMENT, room_code "
                                   "VARCHAR(4) NOT NULL REFERENCES rooms(code), created_at FLOAT NOT NULL, pixels "
                                   "BLOB NOT NULL, strokes INTEGER NOT NULL, meant INTEGER NOT NULL, read INTEGER "
                                   "NOT NULL, step_predictions BLOB NOT NULL)")
        connection.exec_driver_sql(f"INSERT INTO rooms VALUES ('ACDE', 'x', {clock()}, {clock() + 3600}, 0)")
        connection.exec_driver_sql(f"INSERT INTO drawings (room_code, created_at, pixels, strokes, meant, read, "
                                   f"step_predictions) VALUES ('ACDE', {clock()}, zeroblob(784), 1, 1, 1, "
                                   f"zeroblob(28))")
    old.dispose()
    upgraded = store.Store(url, clock=clock)
    assert upgraded.schema_version() == store.SCHEMA_VERSION
    upgraded.add_drawing("ACDE", "phone", **a_drawing())
    with pytest.raises(store.AlreadySent):
        upgraded.add_drawing("ACDE", "phone", **a_drawing())
    assert len(upgraded.room_summary("ACDE").drawings) == 2
    upgraded.close()


def test_a_full_room_refuses_more(make_store, clock):
    rooms_store = make_store(max_drawings=3)
    code = rooms_store.create_room().code
    for session in "abc":
        rooms_store.add_drawing(code, session, **a_drawing())
    with pytest.raises(ValueError, match="full \\(3 drawings\\)"):
        rooms_store.add_drawing(code, "d", **a_drawing())
    assert len(rooms_store.room_summary(code).drawings) == 3


def test_status_counts_drawings_and_the_number_of_open_rooms_is_capped(make_store):
    rooms_store = make_store(max_open_rooms=2)
    room = rooms_store.create_room()
    rooms_store.add_drawing(room.code, "phone", **a_drawing())
    status = rooms_store.room_status(room.code)
    assert (status.code, status.drawings, status.closed) == (room.code, 1, False)
    rooms_store.create_room()
    with pytest.raises(ValueError, match="2 rooms are open already"):
        rooms_store.create_room()
    assert count_rows(rooms_store, store.rooms) == 2


def test_only_the_presenter_secret_removes_drawings_and_closes_the_room(make_store):
    rooms_store = make_store()
    room, other = rooms_store.create_room(), rooms_store.create_room()
    drawing_id = rooms_store.add_drawing(room.code, "phone", **a_drawing())
    for wrong in ("", "guess", other.secret, room.secret + "x", None):
        assert not rooms_store.is_presenter(room.code, wrong)
        with pytest.raises(ValueError, match="not the one made for room"):
            rooms_store.remove_drawing(room.code, wrong, drawing_id)
        with pytest.raises(ValueError, match="not the one made for room"):
            rooms_store.close_room(room.code, wrong)
    assert not rooms_store.remove_drawing(other.code, other.secret, drawing_id)  # not that room's drawing
    summary = rooms_store.room_summary(room.code)
    assert len(summary.drawings) == 1 and not summary.closed

    assert rooms_store.is_presenter(room.code, room.secret)
    assert rooms_store.remove_drawing(room.code, room.secret, drawing_id)
    assert not rooms_store.remove_drawing(room.code, room.secret, drawing_id)  # already gone
    rooms_store.close_room(room.code, room.secret)
    assert rooms_store.room_summary(room.code).closed
    with pytest.raises(ValueError, match="closed"):
        rooms_store.add_drawing(room.code, "late phone", **a_drawing())


def test_concurrent_sends_from_threads_lose_nothing(make_store):
    rooms_store = make_store(send_interval_s=0.0)
    codes = [rooms_store.create_room().code for _ in range(2)]
    sessions, sends_each = 30, 4
    errors, ids = [], []
    start = threading.Barrier(sessions)

    def phone(number: int) -> None:
        start.wait()
        for send in range(sends_each):
            try:
                ids.append(rooms_store.add_drawing(codes[number % 2], f"phone-{number}",
                                                   **a_drawing(number % 10, seed=number * 10 + send)))
            except Exception as error:  # collected, so that the assertion shows it
                errors.append(error)

    threads = [threading.Thread(target=phone, args=(number,)) for number in range(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(ids)) == sessions * sends_each
    stored = [rooms_store.room_summary(code).drawings for code in codes]
    assert [len(each) for each in stored] == [sessions * sends_each // 2] * 2
    assert {d.id for each in stored for d in each} == set(ids)
    assert all(d.meant % 2 == index for index, each in enumerate(stored) for d in each)  # each in its own room


def test_concurrent_sends_never_overfill_a_room(make_store):
    rooms_store = make_store(send_interval_s=0.0, max_drawings=10)
    code = rooms_store.create_room().code
    outcomes = []
    start = threading.Barrier(30)

    def phone(number: int) -> None:
        start.wait()
        try:
            rooms_store.add_drawing(code, f"phone-{number}", **a_drawing())
            outcomes.append("stored")
        except ValueError as error:
            outcomes.append(str(error))

    threads = [threading.Thread(target=phone, args=(number,)) for number in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("stored") == 10
    assert all("full" in outcome for outcome in outcomes if outcome != "stored")
    assert len(rooms_store.room_summary(code).drawings) == 10


def test_sqlite_keeps_rooms_across_a_restart_in_wal_mode(tmp_path, clock):
    url = f"sqlite:///{tmp_path / 'nested' / 'rooms.sqlite3'}"  # the folder is made on first use
    first = store.Store(url, clock=clock)
    room = first.create_room()
    first.add_drawing(room.code, "phone", **a_drawing(4))
    with first.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    first.close()

    second = store.Store(url, clock=clock)
    summary = second.room_summary(room.code)
    assert [d.meant for d in summary.drawings] == [4]
    np.testing.assert_array_equal(summary.drawings[0].pixels, a_drawing(4)["pixels"])
    assert second.is_presenter(room.code, room.secret)
    assert second.schema_version() == store.SCHEMA_VERSION
    with second.engine.begin() as connection:
        connection.execute(store.schema_version.update().values(version=store.SCHEMA_VERSION + 1))
    second.close()
    with pytest.raises(RuntimeError, match=f"schema version {store.SCHEMA_VERSION + 1}"):
        store.Store(url, clock=clock)


def test_database_url_prefers_postgresql_and_defaults_to_a_sqlite_file(tmp_path):
    assert store.database_url({}) == f"sqlite:///{store.DEFAULT_DATABASE}"
    assert store.database_url({"ROOMS_DB": str(tmp_path / "r.db")}) == f"sqlite:///{tmp_path / 'r.db'}"
    for given in ("postgres://u@h/db", "postgresql://u@h/db"):
        assert store.database_url({"DATABASE_URL": given, "ROOMS_DB": "x"}) == "postgresql+psycopg://u@h/db"
    assert store.database_url({"DATABASE_URL": "postgresql+psycopg://u@h/db"}) == "postgresql+psycopg://u@h/db"
