"""The room database: rooms, the drawings sent to them, and nothing else. All SQL lives here.

A room is a short code (4 letters from an alphabet without look-alikes) with a presenter secret,
made at creation and kept only as its SHA-256, and an expiry time (24 h by default), after which
the room and its drawings are deleted. A drawing is the 28 x 28 input (uint8 bytes), the stroke
count, the digit its author meant, what the model read at the last step and at every step, a
timestamp and the room code. No names, no addresses, no free text.

SQLite by default (a file, WAL mode, a busy timeout), so a single server needs nothing else;
PostgreSQL (psycopg 3) when DATABASE_URL is set, so that several replicas share rooms. Both go
through SQLAlchemy Core with bound parameters. The app creates the schema and records its
version in `schema_version`.

A drawing is stored once: its row carries `sent_key`, the SHA-256 of the sending session's id and
the drawing's pixels, unique within a room, so a second press of Send (or a retried request) is
refused with AlreadySent instead of counting the drawing twice. The session id itself is never
stored.

Every refusal (an unknown or expired code, a label outside 0-9, a malformed drawing, a full or
closed room, a session sending too fast, a wrong secret) is a ValueError whose message can be
shown to a person as it is, and it changes nothing.
"""

import hashlib
import hmac
import os
import secrets
import threading
import time
from pathlib import Path

import numpy as np
import sqlalchemy as sa

from model.config import CONFIG
from room.records import (  # noqa: F401 (the store's API)
    CODE_ALPHABET,
    CODE_LENGTH,
    Drawing,
    NewRoom,
    RoomStatus,
    RoomSummary,
    normalise_code,
)

SCHEMA_VERSION = 2  # 2: drawings.sent_key (version 1 databases are upgraded in place)
DEFAULT_DATABASE = Path(__file__).resolve().parents[1] / "data" / "rooms.sqlite3"
ROOM_LIFETIME_S = 24 * 3600
SEND_INTERVAL_S = 2.0  # one drawing per session every 2 s: a person draws slower than that
MAX_DRAWINGS_PER_ROOM = 500
MAX_OPEN_ROOMS = 1_000  # a bound on what a script hammering "open a room" can fill the database with
MAX_STROKES = 500  # far more than any digit needs; a bigger count is not a drawing
SQLITE_BUSY_TIMEOUT_S = 10.0
PIXELS = CONFIG.image_size * CONFIG.image_size  # 784 bytes per drawing
DIGITS = range(CONFIG.classes)

metadata = sa.MetaData()
schema_version = sa.Table("schema_version", metadata, sa.Column("version", sa.Integer, nullable=False))
rooms = sa.Table(
    "rooms", metadata,
    sa.Column("code", sa.String(CODE_LENGTH), primary_key=True),
    sa.Column("secret_sha256", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Double, nullable=False),  # seconds since the epoch, UTC
    sa.Column("expires_at", sa.Double, nullable=False, index=True),
    sa.Column("closed", sa.Boolean, nullable=False, default=False),
)
drawings = sa.Table(
    "drawings", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("room_code", sa.String(CODE_LENGTH), sa.ForeignKey("rooms.code", ondelete="CASCADE"),
              nullable=False, index=True),
    sa.Column("created_at", sa.Double, nullable=False),
    sa.Column("pixels", sa.LargeBinary(PIXELS), nullable=False),  # 28 x 28 uint8, row by row
    sa.Column("strokes", sa.Integer, nullable=False),
    sa.Column("meant", sa.Integer, nullable=False),  # the digit its author says they drew
    sa.Column("read", sa.Integer, nullable=False),  # the readout's answer at the last step
    sa.Column("step_predictions", sa.LargeBinary(CONFIG.timesteps), nullable=False),  # its answer at each step
    # SHA-256 of the session id and the pixels: one drawing, one row (NULL on rows from schema 1).
    sa.Column("sent_key", sa.String(64), nullable=True),
)
sent_key_index = sa.Index("ix_drawings_room_sent_key", drawings.c.room_code, drawings.c.sent_key, unique=True)


class AlreadySent(ValueError):
    """This session has sent this very drawing to this room before."""


def database_url(environ=os.environ) -> str:
    """DATABASE_URL (PostgreSQL through psycopg 3) if set, else the SQLite file ROOMS_DB or data/rooms.sqlite3."""
    url = environ.get("DATABASE_URL", "").strip()
    if url:
        for prefix in ("postgres://", "postgresql://"):  # the usual spellings; SQLAlchemy needs the driver
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix):]
        return url
    return f"sqlite:///{Path(environ.get('ROOMS_DB', DEFAULT_DATABASE))}"


def _sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def sent_key(session: str, pixels: bytes) -> str:
    """The drawing's identity in its room: the same session sending the same pixels again."""
    return hashlib.sha256(session.encode() + b"\0" + pixels).hexdigest()


def _digit(value, what: str) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or int(value) not in DIGITS:
        raise ValueError(f"{what} must be a digit from 0 to 9, not {str(value)[:12]!r}.")
    return int(value)


def _pixels(pixels) -> bytes:
    """A (28, 28) uint8 array, or its 784 bytes -> the 784 bytes; ValueError for anything else."""
    if isinstance(pixels, (bytes, bytearray, memoryview)):
        if len(pixels) != PIXELS:
            raise ValueError(f"A drawing is {PIXELS} bytes (28 x 28); this one has {len(pixels)}.")
        return bytes(pixels)
    array = np.asarray(pixels)
    if array.shape != (CONFIG.image_size, CONFIG.image_size) or array.dtype != np.uint8:
        raise ValueError(f"A drawing is a 28 x 28 array of uint8; this one is {array.shape} {array.dtype}.")
    return array.tobytes()


def _step_predictions(values) -> bytes:
    array = np.asarray(values)
    if array.shape != (CONFIG.timesteps,) or not np.issubdtype(array.dtype, np.integer) \
            or array.min() < 0 or array.max() >= CONFIG.classes:
        raise ValueError(f"The per-step readings must be {CONFIG.timesteps} digits from 0 to 9.")
    return array.astype(np.uint8).tobytes()


class Store:
    """The rooms database behind a few methods. Thread-safe: Streamlit calls it from many sessions.

    `clock` (seconds since the epoch) is injectable so that tests can move time forward.
    """

    def __init__(self, url: str | None = None, *, room_lifetime_s: float = ROOM_LIFETIME_S,
                 send_interval_s: float = SEND_INTERVAL_S, max_drawings: int = MAX_DRAWINGS_PER_ROOM,
                 max_open_rooms: int = MAX_OPEN_ROOMS, clock=time.time):
        self.url = url or database_url()
        self.room_lifetime_s, self.send_interval_s = room_lifetime_s, send_interval_s
        self.max_drawings, self.max_open_rooms, self.clock = max_drawings, max_open_rooms, clock
        self._last_send: dict[str, float] = {}  # session -> time of its last accepted drawing
        self._last_send_lock = threading.Lock()
        self.engine = self._connect(self.url)
        self._create_schema()

    # --- connection and schema ---

    @staticmethod
    def _connect(url: str) -> sa.Engine:
        if not url.startswith("sqlite"):
            return sa.create_engine(url, pool_pre_ping=True)
        path = sa.make_url(url).database
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False})

        @sa.event.listens_for(engine, "connect")
        def configure(dbapi_connection, _record):
            # Let SQLAlchemy's begin event, not the sqlite3 module, decide when a transaction starts.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")  # readers (the walls) never block the writer
            cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @sa.event.listens_for(engine, "begin")
        def begin(connection):
            # A write takes the write lock at BEGIN: a read that later wants to write could
            # otherwise fail at once (SQLITE_BUSY) instead of waiting its turn.
            immediate = connection.get_execution_options().get("write", False)
            connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine

    def _write(self):
        """A transaction that writes: on SQLite it holds the write lock from its start."""
        return self.engine.connect().execution_options(write=True)

    def _create_schema(self) -> None:
        with self._write() as connection, connection.begin():
            if connection.dialect.name == "postgresql":
                # Replicas starting together: one creates the tables, the others wait here.
                connection.execute(sa.select(sa.func.pg_advisory_xact_lock(SCHEMA_VERSION + 0x524F4F4D)))
            metadata.create_all(connection)
            stored = connection.execute(sa.select(sa.func.max(schema_version.c.version))).scalar()
            if stored is None:
                connection.execute(schema_version.insert().values(version=SCHEMA_VERSION))
            elif stored == 1:  # before sent_key: add the column and its unique index, keep the rows
                connection.exec_driver_sql("ALTER TABLE drawings ADD COLUMN sent_key VARCHAR(64)")
                sent_key_index.create(connection)
                connection.execute(schema_version.update().values(version=SCHEMA_VERSION))
            elif stored != SCHEMA_VERSION:
                raise RuntimeError(f"The rooms database {self.engine.url!r} has schema version {stored}; "
                                   f"this code knows version {SCHEMA_VERSION}. Use another ROOMS_DB or "
                                   "DATABASE_URL, or delete the old database.")

    def schema_version(self) -> int:
        with self.engine.connect() as connection:
            return connection.execute(sa.select(sa.func.max(schema_version.c.version))).scalar_one()

    def close(self) -> None:
        self.engine.dispose()

    # --- rooms ---

    def create_room(self) -> NewRoom:
        """A new room with a fresh code and presenter secret; expired rooms are cleared first."""
        self.expire_rooms()
        now = self.clock()
        secret = secrets.token_urlsafe(16)
        for _ in range(20):  # a taken code is retried with another; 20 misses in a row would need a full table
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            try:
                with self._write() as connection, connection.begin():
                    if connection.execute(sa.select(sa.func.count()).select_from(rooms)).scalar_one() \
                            >= self.max_open_rooms:
                        raise ValueError(f"{self.max_open_rooms} rooms are open already; try again tomorrow, "
                                         "when some have expired.")
                    connection.execute(rooms.insert().values(
                        code=code, secret_sha256=_sha256(secret), created_at=now,
                        expires_at=now + self.room_lifetime_s, closed=False))
                return NewRoom(code, secret, now + self.room_lifetime_s)
            except sa.exc.IntegrityError:
                continue
        raise ValueError("No free room code was found; try again in a moment.")

    def _open_room(self, connection, code: str, lock: bool = False):
        """The room's row if it exists and has not expired; ValueError otherwise."""
        query = sa.select(rooms).where(rooms.c.code == code, rooms.c.expires_at > self.clock())
        row = connection.execute(query.with_for_update() if lock else query).one_or_none()
        if row is None:
            raise ValueError(f"There is no room {code}: it may have expired (rooms last "
                             f"{self.room_lifetime_s / 3600:g} h) or been mistyped.")
        return row

    def _check_secret(self, row, secret) -> None:
        if not isinstance(secret, str) or not hmac.compare_digest(_sha256(secret), row.secret_sha256):
            raise ValueError(f"That presenter link is not the one made for room {row.code}; nothing was changed.")

    def room_summary(self, code) -> RoomSummary:
        """The room and all its drawings, oldest first; ValueError for an unknown or expired code."""
        code = normalise_code(code)
        with self.engine.connect() as connection, connection.begin():
            room = self._open_room(connection, code)
            rows = connection.execute(sa.select(drawings).where(drawings.c.room_code == code)
                                      .order_by(drawings.c.id)).all()
        size = CONFIG.image_size
        return RoomSummary(room.code, room.created_at, room.expires_at, bool(room.closed), tuple(
            Drawing(row.id, row.created_at, np.frombuffer(row.pixels, np.uint8).reshape(size, size),
                    row.strokes, row.meant, row.read, np.frombuffer(row.step_predictions, np.uint8))
            for row in rows))

    def room_status(self, code) -> RoomStatus:
        """The room without its drawings (their count only); ValueError for an unknown or expired code."""
        code = normalise_code(code)
        with self.engine.connect() as connection, connection.begin():
            room = self._open_room(connection, code)
            count = connection.execute(sa.select(sa.func.count()).select_from(drawings)
                                       .where(drawings.c.room_code == code)).scalar_one()
        return RoomStatus(room.code, room.expires_at, bool(room.closed), count)

    def is_presenter(self, code, secret) -> bool:
        """Whether `secret` is this room's presenter secret (False for unknown rooms too)."""
        try:
            with self.engine.connect() as connection, connection.begin():
                self._check_secret(self._open_room(connection, normalise_code(code)), secret)
            return True
        except ValueError:
            return False

    def close_room(self, code, secret) -> None:
        """Stop the room taking drawings (the wall stays until it expires). Needs the presenter secret."""
        code = normalise_code(code)
        with self._write() as connection, connection.begin():
            self._check_secret(self._open_room(connection, code, lock=True), secret)
            connection.execute(rooms.update().where(rooms.c.code == code).values(closed=True))

    def expire_rooms(self) -> int:
        """Delete every expired room and its drawings; returns how many rooms went."""
        with self._write() as connection, connection.begin():
            expired = sa.select(rooms.c.code).where(rooms.c.expires_at <= self.clock())
            connection.execute(drawings.delete().where(drawings.c.room_code.in_(expired)))
            return connection.execute(rooms.delete().where(rooms.c.expires_at <= self.clock())).rowcount

    # --- drawings ---

    def add_drawing(self, code, session: str, pixels, strokes: int, meant: int, read: int,
                    step_predictions) -> int:
        """Store one drawing sent from `session` (any opaque id of a browser session, not stored);
        returns its id. ValueError, changing nothing, for bad input, an unknown, expired, closed or
        full room, or a session that sent less than `send_interval_s` ago; AlreadySent (a
        ValueError) when this session has sent these very pixels to this room before."""
        code = normalise_code(code)
        meant, read = _digit(meant, "The digit you drew"), _digit(read, "The model's reading")
        if isinstance(strokes, bool) or not isinstance(strokes, (int, np.integer)) or not 1 <= strokes <= MAX_STROKES:
            raise ValueError(f"A drawing has 1 to {MAX_STROKES} strokes, not {str(strokes)[:12]!r}.")
        values = dict(room_code=code, pixels=_pixels(pixels), strokes=int(strokes), meant=meant, read=read,
                      step_predictions=_step_predictions(step_predictions))
        if not isinstance(session, str) or not session:
            raise ValueError("A drawing needs the id of the session that sends it.")
        values["sent_key"] = sent_key(session, values["pixels"])
        with self.engine.connect() as connection, connection.begin():  # a second press, before the rate limit
            self._refuse_if_sent(connection, code, values["sent_key"])
        previous = self._reserve_send(session)
        try:
            with self._write() as connection, connection.begin():
                room = self._open_room(connection, code, lock=True)  # locks the room row: the cap holds
                if room.closed:
                    raise ValueError(f"Room {code} is closed: the presenter is no longer taking drawings.")
                self._refuse_if_sent(connection, code, values["sent_key"])  # sends of one drawing, racing
                count = connection.execute(sa.select(sa.func.count()).select_from(drawings)
                                           .where(drawings.c.room_code == code)).scalar_one()
                if count >= self.max_drawings:
                    raise ValueError(f"Room {code} is full ({self.max_drawings} drawings).")
                drawing_id = connection.execute(drawings.insert().values(created_at=self.clock(), **values)
                                                .returning(drawings.c.id)).scalar_one()
        except sa.exc.IntegrityError:  # the unique index: a racing copy of this drawing got in first
            self._release_send(session, previous)
            raise AlreadySent(f"This drawing is already in room {code}; it is counted once.") from None
        except BaseException:
            self._release_send(session, previous)  # a refused drawing does not count against the session
            raise
        return drawing_id

    @staticmethod
    def _refuse_if_sent(connection, code: str, key: str) -> None:
        found = connection.execute(sa.select(drawings.c.id).where(drawings.c.room_code == code,
                                                                   drawings.c.sent_key == key)).first()
        if found is not None:
            raise AlreadySent(f"This drawing is already in room {code}; it is counted once.")

    def _reserve_send(self, session: str) -> float | None:
        """Claim this moment as the session's latest send, or ValueError if it sent too recently.
        Returns the claim it replaced, for _release_send."""
        with self._last_send_lock:
            now, previous = self.clock(), self._last_send.get(session)
            if previous is not None and now - previous < self.send_interval_s:
                raise ValueError(f"One drawing every {self.send_interval_s:g} s, please: "
                                 f"try again in {previous + self.send_interval_s - now:.1f} s.")
            if len(self._last_send) > 10_000:  # forget sessions whose interval has passed anyway
                self._last_send = {key: t for key, t in self._last_send.items() if now - t < self.send_interval_s}
            self._last_send[session] = now
            return previous

    def _release_send(self, session: str, previous: float | None) -> None:
        with self._last_send_lock:
            if previous is None:
                self._last_send.pop(session, None)
            else:
                self._last_send[session] = previous

    def remove_drawing(self, code, secret, drawing_id: int) -> bool:
        """Delete one drawing of the room; needs the presenter secret. False if it was already gone."""
        code = normalise_code(code)
        with self._write() as connection, connection.begin():
            self._check_secret(self._open_room(connection, code, lock=True), secret)
            return connection.execute(drawings.delete().where(
                drawings.c.room_code == code, drawings.c.id == int(drawing_id))).rowcount == 1
