//! The state every connection shares: rooms, nicknames and counters.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

use crate::Config;

/// A connection's number, unique for the server's life.
pub(crate) type ClientId = u64;

/// One line on a room's channel: who sent it (so the sender can skip its own) and the finished
/// line, `\n` included. It is formatted once and shared by every receiver through the `Arc`.
#[derive(Debug, Clone)]
pub(crate) struct Msg {
    /// The sender, or `None` for the server's own notices.
    pub(crate) from: Option<ClientId>,
    /// Whether this is a chat message (counted as delivered) rather than a notice.
    pub(crate) chat: bool,
    pub(crate) line: Arc<str>,
}

/// A room: its channel and its recent history. Membership lives in [`Rooms`], under the map's lock.
pub(crate) struct Room {
    pub(crate) name: String,
    tx: broadcast::Sender<Msg>,
    /// The last `Config::history` chat lines. Sending holds this lock across `send`, and joining
    /// holds it across `subscribe` and the copy, so a newcomer sees every message exactly once:
    /// either in the replayed history or live, never both and never neither.
    history: Mutex<VecDeque<Arc<str>>>,
    history_len: usize,
}

impl Room {
    // ANCHOR: history
    /// Sends a line to everyone in the room (but `from`), keeping it in the history if it is chat.
    pub(crate) fn send(&self, msg: Msg) {
        if msg.chat && self.history_len > 0 {
            let mut history = lock(&self.history);
            if history.len() == self.history_len {
                history.pop_front();
            }
            history.push_back(Arc::clone(&msg.line));
            // An error only means nobody else is in the room right now.
            let _ = self.tx.send(msg);
        } else {
            let _ = self.tx.send(msg);
        }
    }

    /// A receiver for this room, and the history lines a newcomer should see first.
    fn subscribe(&self) -> (broadcast::Receiver<Msg>, Vec<Arc<str>>) {
        let history = lock(&self.history);
        (self.tx.subscribe(), history.iter().cloned().collect())
    }
    // ANCHOR_END: history
}

/// The room map's value: the room and who is in it.
struct Entry {
    room: Arc<Room>,
    members: HashMap<ClientId, String>,
}

/// Everything the connections share.
pub(crate) struct Shared {
    pub(crate) config: Config,
    /// Room name to room. A room is created by its first join and removed by its last leave; both
    /// happen under this one lock, so a join cannot slip in between "last member left" and
    /// "remove the room" and end up in a room nobody can reach.
    rooms: Mutex<BTreeMap<String, Entry>>,
    /// Nicknames in use.
    nicks: Mutex<HashSet<String>>,
    next_id: AtomicU64,
    pub(crate) clients: AtomicU64,
    pub(crate) connections: AtomicU64,
    pub(crate) messages: AtomicU64,
    pub(crate) delivered: AtomicU64,
    pub(crate) dropped: AtomicU64,
    /// Messages per second over the last second, updated by the metrics ticker.
    pub(crate) rate: AtomicU64,
    /// Cancelled first at shutdown: stop accepting and stop reading from clients.
    pub(crate) stop_reading: CancellationToken,
    /// Cancelled once no connection reads any more: write out what is queued, say goodbye, close.
    pub(crate) drain: CancellationToken,
}

/// Locks a std mutex. A panic while it was held cannot leave these maps half-updated in a way that
/// matters more than stopping the server would, so a poisoned lock is used as it is.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Why a name was refused; the `Display` text is what the client is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameError {
    Empty,
    TooLong(usize),
    BadChar,
    Taken,
}

impl std::fmt::Display for NameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NameError::Empty => write!(f, "a name cannot be empty"),
            NameError::TooLong(max) => write!(f, "a name can have at most {max} characters"),
            NameError::BadChar => write!(
                f,
                "a name cannot contain spaces or control characters, nor start with '*', '!' or '/'"
            ),
            NameError::Taken => write!(f, "that nickname is taken"),
        }
    }
}

/// Checks a nickname or room name: not empty, not too long, no whitespace or control characters,
/// and no first character that would make a chat line look like a notice, an error or a command.
pub(crate) fn check_name(name: &str, max: usize) -> Result<(), NameError> {
    if name.is_empty() {
        return Err(NameError::Empty);
    }
    if name.chars().count() > max {
        return Err(NameError::TooLong(max));
    }
    if name.chars().any(|c| c.is_control() || c.is_whitespace())
        || name.starts_with(['*', '!', '/'])
    {
        return Err(NameError::BadChar);
    }
    Ok(())
}

impl Shared {
    pub(crate) fn new(config: Config) -> Shared {
        Shared {
            config,
            rooms: Mutex::new(BTreeMap::new()),
            nicks: Mutex::new(HashSet::new()),
            next_id: AtomicU64::new(1),
            clients: AtomicU64::new(0),
            connections: AtomicU64::new(0),
            messages: AtomicU64::new(0),
            delivered: AtomicU64::new(0),
            dropped: AtomicU64::new(0),
            rate: AtomicU64::new(0),
            stop_reading: CancellationToken::new(),
            drain: CancellationToken::new(),
        }
    }

    pub(crate) fn new_id(&self) -> ClientId {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// Takes `new` as a nickname, giving `old` back. Fails if `new` is invalid or in use.
    pub(crate) fn claim_nick(&self, old: Option<&str>, new: &str) -> Result<(), NameError> {
        check_name(new, self.config.max_name)?;
        let mut nicks = lock(&self.nicks);
        if nicks.contains(new) {
            return Err(NameError::Taken);
        }
        nicks.insert(new.to_string());
        if let Some(old) = old {
            nicks.remove(old);
        }
        Ok(())
    }

    pub(crate) fn release_nick(&self, nick: &str) {
        lock(&self.nicks).remove(nick);
    }

    // ANCHOR: membership
    /// Puts `id` into room `name`, creating it if needed. Returns the room, a receiver for it and
    /// the history to replay.
    pub(crate) fn join(
        &self,
        name: &str,
        id: ClientId,
        nick: &str,
    ) -> (Arc<Room>, broadcast::Receiver<Msg>, Vec<Arc<str>>) {
        let room = {
            let mut rooms = lock(&self.rooms);
            let entry = rooms.entry(name.to_string()).or_insert_with(|| Entry {
                room: Arc::new(Room {
                    name: name.to_string(),
                    tx: broadcast::channel(self.config.broadcast_capacity.max(1)).0,
                    history: Mutex::new(VecDeque::new()),
                    history_len: self.config.history,
                }),
                members: HashMap::new(),
            });
            entry.members.insert(id, nick.to_string());
            Arc::clone(&entry.room)
        };
        // Being a member keeps the room in the map, so subscribing after the map's lock is gone
        // cannot race its removal.
        let (rx, history) = room.subscribe();
        (room, rx, history)
    }

    /// Takes `id` out of room `name`, and removes the room if it was the last member.
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

    /// Every room with its member count, by name.
    pub(crate) fn room_list(&self) -> Vec<(String, usize)> {
        lock(&self.rooms)
            .iter()
            .map(|(name, entry)| (name.clone(), entry.members.len()))
            .collect()
    }

    /// The nicknames in room `name`, sorted.
    pub(crate) fn who(&self, name: &str) -> Vec<String> {
        let mut nicks: Vec<String> = lock(&self.rooms)
            .get(name)
            .map(|entry| entry.members.values().cloned().collect())
            .unwrap_or_default();
        nicks.sort();
        nicks
    }

    pub(crate) fn room_count(&self) -> usize {
        lock(&self.rooms).len()
    }
}
