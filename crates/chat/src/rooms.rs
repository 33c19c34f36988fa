//! The state every connection shares: rooms, nicknames and counters.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, RwLock, RwLockReadGuard};

use tokio::sync::broadcast;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::Config;
use crate::metrics::Metrics;

/// A connection's number, unique for the server's life.
pub(crate) type ClientId = u64;

/// The receivers a room hands over when it moves to a bigger channel: one for
/// every receiver the old channel had. Each client that reads the move takes
/// one.
pub(crate) type Handoff = Arc<Mutex<Vec<broadcast::Receiver<Msg>>>>;

/// One line on a room's channel: who sent it (so the sender can skip its own)
/// and the finished line, `\n` included. It is formatted once and shared by
/// every receiver through the `Arc`.
#[derive(Debug, Clone)]
pub(crate) struct Msg {
    /// The sender, or `None` for the server's own notices.
    pub(crate) from: Option<ClientId>,
    /// Whether this is a chat message (counted as delivered) rather than a
    /// notice.
    pub(crate) chat: bool,
    pub(crate) line: Arc<str>,
    /// Set on the last message of a channel the room has replaced with a bigger
    /// one: the reader takes its receiver for the new channel from here (see
    /// [`Room::grow`]).
    pub(crate) moved: Option<Handoff>,
    /// When the server accepted the line: the start of its delivery latency.
    pub(crate) at: Instant,
}

/// The smallest ring a room's channel starts with, in messages.
const MIN_RING: usize = 16;

/// Ring slots per member beyond the first. A `broadcast` ring is allocated
/// whole when the channel is created (`sync/broadcast.rs` in Tokio,
/// `new_with_receiver_count`: the buffer is one `Mutex<Slot>` per unit of
/// capacity, collected at once), about 64 bytes a slot for this `Msg`; 4,096
/// slots for a room of one would cost 256 KiB for nothing.
const RING_PER_MEMBER: usize = 256;

/// The ring a room of `members` needs: 16 slots for one member (nobody else
/// reads what it says), 256 per further member, rounded up to a power of two
/// (as Tokio does) and capped by `--broadcast-capacity`: 256 slots for two
/// members, 4,096 from 17 on.
pub(crate) fn ring_for(members: usize, max: usize) -> usize {
    let max = max.max(1);
    (RING_PER_MEMBER * members.saturating_sub(1))
        .next_power_of_two()
        .max(MIN_RING)
        .min(max)
}

/// A room: its channel and its recent history. Membership lives in [`Shared`],
/// under the map's lock.
pub(crate) struct Room {
    pub(crate) name: String,
    /// The channel. Sending takes the read lock (senders do not wait for each
    /// other); moving to a bigger channel takes the write lock, so no message
    /// is sent on the old one after the move.
    channel: RwLock<Channel>,
    /// The last `Config::history` chat lines, with their sender. Sending a chat
    /// line holds this lock across `send`, and joining holds it across
    /// `subscribe` and the copy, so a newcomer sees every message exactly once:
    /// either in the replayed history or live, never both and never neither.
    history: Mutex<VecDeque<(Option<ClientId>, Arc<str>)>>,
    history_len: usize,
}

/// A room's `broadcast` channel and the capacity it was created with.
struct Channel {
    tx: broadcast::Sender<Msg>,
    ring: usize,
}

impl Room {
    // ANCHOR: history
    /// Sends a line to everyone in the room (but `from`), keeping it in the
    /// history if it is chat.
    pub(crate) fn send(&self, msg: Msg) {
        if msg.chat && self.history_len > 0 {
            let mut history = lock(&self.history);
            if history.len() == self.history_len {
                history.pop_front();
            }
            history.push_back((msg.from, Arc::clone(&msg.line)));
            // An error only means nobody else is in the room right now.
            let _ = read(&self.channel).tx.send(msg);
        } else {
            let _ = read(&self.channel).tx.send(msg);
        }
    }

    /// A receiver for this room, and the history lines a newcomer should see
    /// first (not its own: a client never gets its own lines back, live or
    /// replayed).
    fn subscribe(
        &self,
        id: ClientId,
    ) -> (broadcast::Receiver<Msg>, Vec<Arc<str>>) {
        let history = lock(&self.history);
        let lines = history
            .iter()
            .filter(|(from, _)| *from != Some(id))
            .map(|(_, line)| Arc::clone(line))
            .collect();
        (read(&self.channel).tx.subscribe(), lines)
    }
    // ANCHOR_END: history

    // ANCHOR: grow
    /// Moves the room to a channel of `ring` slots if its current one is
    /// smaller. A `broadcast` channel cannot grow (its buffer is a boxed
    /// slice), so this makes a new one, subscribes one receiver to it for every
    /// receiver of the old one, and sends those on the old channel as its last
    /// message. Each reader reaches that message after everything sent before
    /// it, and takes a receiver that already holds everything sent after it:
    /// nothing is lost or seen twice. All of it happens under the room's lock,
    /// so no message can be sent in between.
    fn grow(&self, ring: usize) {
        let mut channel = self
            .channel
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if ring <= channel.ring {
            return;
        }
        let tx = broadcast::channel(ring).0;
        let receivers: Vec<_> = (0..channel.tx.receiver_count())
            .map(|_| tx.subscribe())
            .collect();
        let _ = channel.tx.send(Msg {
            from: None,
            chat: false,
            line: Arc::from(""),
            moved: Some(Arc::new(Mutex::new(receivers))),
            at: Instant::now(),
        });
        channel.tx = tx;
        channel.ring = ring;
    }
    // ANCHOR_END: grow
}

/// The room map's value: the room and who is in it.
struct Entry {
    room: Arc<Room>,
    members: HashMap<ClientId, String>,
}

/// What a join gives the client: the room, a receiver for it and the history to
/// replay.
pub(crate) type Joined = (Arc<Room>, broadcast::Receiver<Msg>, Vec<Arc<str>>);

/// A rate-limit bucket left behind by a connection that closed, kept so that
/// the next connection from the same address starts where it stopped (see
/// [`Shared::saved_bucket`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct SavedBucket {
    pub(crate) tokens: f64,
    pub(crate) at: Instant,
}

/// Everything the connections share.
pub(crate) struct Shared {
    pub(crate) config: Config,
    /// Room name to room. A room is created by its first join and removed by
    /// its last leave; both happen under this one lock, so a join cannot slip
    /// in between "last member left" and "remove the room" and end up in a room
    /// nobody can reach.
    rooms: Mutex<BTreeMap<String, Entry>>,
    /// Nicknames in use, folded (see [`fold`]): two names that fold alike
    /// cannot both be in use.
    nicks: Mutex<HashSet<String>>,
    /// Rate-limit buckets of closed connections by address, until they would be
    /// full again.
    buckets: Mutex<HashMap<IpAddr, SavedBucket>>,
    next_id: AtomicU64,
    /// Connections being served now, counted from the accept (for
    /// `--max-connections`).
    pub(crate) open: AtomicUsize,
    pub(crate) clients: AtomicU64,
    /// The counters `/metrics`, `/stats` and the [`Report`](crate::Report)
    /// read.
    pub(crate) metrics: Metrics,
    /// The largest output buffer one write has sent, in bytes.
    pub(crate) peak_output: AtomicU64,
    /// Messages per second over the last second, updated by the metrics ticker.
    pub(crate) rate: AtomicU64,
    /// Cancelled first at shutdown: stop accepting and stop reading from
    /// clients.
    pub(crate) stop_reading: CancellationToken,
    /// Cancelled once no connection reads any more: write out what is queued,
    /// say goodbye, close.
    pub(crate) drain: CancellationToken,
    /// When the shutdown must be over; set before `stop_reading` is cancelled.
    /// Every write and every wait of a connection ends by then.
    pub(crate) deadline: OnceLock<Instant>,
}

/// Locks a std mutex. A panic while it was held cannot leave these maps
/// half-updated in a way that matters more than stopping the server would, so a
/// poisoned lock is used as it is.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Takes a std read lock; a poisoned lock is used as it is, as with [`lock`].
fn read<T>(lock: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    lock.read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Why a name or a join was refused; the `Display` text is what the client is
/// told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameError {
    Empty,
    TooLong(usize),
    BadChar,
    Taken,
    TooManyRooms(usize),
}

impl std::fmt::Display for NameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NameError::Empty => write!(f, "a name cannot be empty"),
            NameError::TooLong(max) => {
                write!(f, "a name can have at most {max} characters")
            }
            NameError::BadChar => write!(
                f,
                "a name can only have letters a-z and A-Z, digits, '-', '_' and '.'"
            ),
            NameError::Taken => write!(f, "that nickname is taken"),
            NameError::TooManyRooms(max) => write!(
                f,
                "the server has {max} rooms, its limit: join one of them (/rooms lists them)"
            ),
        }
    }
}

// ANCHOR: check_name
/// Checks a nickname or room name against an allow-list: ASCII letters, digits,
/// `-`, `_` and `.`, at most `max` of them. Nothing else can pass for something
/// it is not: no spaces, no control characters or escape sequences, no
/// zero-width or right-to-left characters, no letters from another script that
/// look like Latin ones (Cyrillic `а` beside Latin `a`), and no leading `*`,
/// `!` or `/` that would make a chat line look like a notice, an error or a
/// command.
pub(crate) fn check_name(name: &str, max: usize) -> Result<(), NameError> {
    if name.is_empty() {
        return Err(NameError::Empty);
    }
    if name.chars().count() > max {
        return Err(NameError::TooLong(max));
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        return Err(NameError::BadChar);
    }
    Ok(())
}

/// The form two names are compared in: `Ann` and `ann` are the same nickname,
/// and the same room.
pub(crate) fn fold(name: &str) -> String {
    name.to_ascii_lowercase()
}
// ANCHOR_END: check_name

impl Shared {
    pub(crate) fn new(config: Config) -> Shared {
        Shared {
            config,
            rooms: Mutex::new(BTreeMap::new()),
            nicks: Mutex::new(HashSet::new()),
            buckets: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(1),
            open: AtomicUsize::new(0),
            clients: AtomicU64::new(0),
            metrics: Metrics::new(),
            peak_output: AtomicU64::new(0),
            rate: AtomicU64::new(0),
            stop_reading: CancellationToken::new(),
            drain: CancellationToken::new(),
            deadline: OnceLock::new(),
        }
    }

    pub(crate) fn new_id(&self) -> ClientId {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// Takes `new` as a nickname, giving `old` back. Fails if `new` is invalid
    /// or in use; a client's own nickname is not "in use" for this (the caller
    /// answers that case).
    pub(crate) fn claim_nick(
        &self,
        old: Option<&str>,
        new: &str,
    ) -> Result<(), NameError> {
        check_name(new, self.config.max_name)?;
        let key = fold(new);
        let mut nicks = lock(&self.nicks);
        let own = old.is_some_and(|old| fold(old) == key);
        if !own && nicks.contains(&key) {
            return Err(NameError::Taken);
        }
        if let Some(old) = old {
            nicks.remove(&fold(old));
        }
        nicks.insert(key);
        Ok(())
    }

    pub(crate) fn release_nick(&self, nick: &str) {
        lock(&self.nicks).remove(&fold(nick));
    }

    /// The bucket the last connection from `addr` left, if it is not full again
    /// yet.
    pub(crate) fn saved_bucket(&self, addr: IpAddr) -> Option<SavedBucket> {
        lock(&self.buckets).get(&addr).copied()
    }

    /// Keeps a closing connection's bucket for the next connection from `addr`,
    /// until `full_at`. Entries that are full again are pruned as new ones
    /// come, so the map holds at most the addresses that closed a connection
    /// within the last second or so.
    pub(crate) fn save_bucket(
        &self,
        addr: IpAddr,
        bucket: SavedBucket,
        full_at: Instant,
    ) {
        let mut buckets = lock(&self.buckets);
        if buckets.len() >= 1024 {
            let now = Instant::now();
            let refill = self.config.rate_limit.max(1);
            buckets.retain(|_, b| {
                now.duration_since(b.at).as_secs_f64() * f64::from(refill)
                    + b.tokens
                    < f64::from(refill)
            });
        }
        if full_at > Instant::now() {
            let keep = buckets.get(&addr).is_none_or(|old| {
                // Two connections from one address closing: keep the emptier
                // bucket.
                old.tokens
                    + old.at.elapsed().as_secs_f64()
                        * f64::from(self.config.rate_limit)
                    > bucket.tokens
            });
            if keep {
                buckets.insert(addr, bucket);
            }
        } else {
            buckets.remove(&addr);
        }
    }

    // ANCHOR: membership
    /// Puts `id` into room `name`, creating it if needed (unless the server has
    /// `--max-rooms` rooms already). Returns the room, a receiver for it and
    /// the history to replay.
    pub(crate) fn join(
        &self,
        name: &str,
        id: ClientId,
        nick: &str,
    ) -> Result<Joined, NameError> {
        let room = {
            let mut rooms = lock(&self.rooms);
            if !rooms.contains_key(name) && rooms.len() >= self.config.max_rooms
            {
                return Err(NameError::TooManyRooms(self.config.max_rooms));
            }
            let entry = rooms.entry(name.to_string()).or_insert_with(|| {
                let ring = ring_for(1, self.config.broadcast_capacity);
                Entry {
                    room: Arc::new(Room {
                        name: name.to_string(),
                        channel: RwLock::new(Channel {
                            tx: broadcast::channel(ring).0,
                            ring,
                        }),
                        history: Mutex::new(VecDeque::new()),
                        history_len: self.config.history,
                    }),
                    members: HashMap::new(),
                }
            });
            entry.members.insert(id, nick.to_string());
            entry.room.grow(ring_for(
                entry.members.len(),
                self.config.broadcast_capacity,
            ));
            Arc::clone(&entry.room)
        };
        // Being a member keeps the room in the map, so subscribing after the
        // map's lock is gone cannot race its removal.
        let (rx, history) = room.subscribe(id);
        Ok((room, rx, history))
    }

    /// Takes `id` out of room `name`, and removes the room if it was the last
    /// member.
    pub(crate) fn leave(&self, name: &str, id: ClientId) {
        let mut rooms = lock(&self.rooms);
        if let Some(entry) = rooms.get_mut(name) {
            entry.members.remove(&id);
            if entry.members.is_empty() {
                rooms.remove(name);
            }
        }
    }
    // ANCHOR_END: membership

    pub(crate) fn rename(&self, name: &str, id: ClientId, nick: &str) {
        if let Some(entry) = lock(&self.rooms).get_mut(name) {
            entry.members.insert(id, nick.to_string());
        }
    }

    /// The first `max` rooms by name with their member counts, and how many
    /// rooms there are.
    pub(crate) fn room_list(
        &self,
        max: usize,
    ) -> (Vec<(String, usize)>, usize) {
        let rooms = lock(&self.rooms);
        let list = rooms
            .iter()
            .take(max)
            .map(|(name, entry)| (name.clone(), entry.members.len()))
            .collect();
        (list, rooms.len())
    }

    /// The first `max` nicknames in room `name`, sorted, and how many members
    /// it has.
    pub(crate) fn who(&self, name: &str, max: usize) -> (Vec<String>, usize) {
        let mut nicks: Vec<String> = lock(&self.rooms)
            .get(name)
            .map(|entry| entry.members.values().cloned().collect())
            .unwrap_or_default();
        let total = nicks.len();
        if total > max {
            nicks.select_nth_unstable(max);
            nicks.truncate(max);
        }
        nicks.sort();
        (nicks, total)
    }

    /// How many members room `name` has.
    pub(crate) fn member_count(&self, name: &str) -> usize {
        lock(&self.rooms)
            .get(name)
            .map_or(0, |entry| entry.members.len())
    }

    pub(crate) fn room_count(&self) -> usize {
        lock(&self.rooms).len()
    }
}
