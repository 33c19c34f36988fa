//! # Solution: a room registry
//!
//! Chapter 13, *A chat server*. [`Rooms`] keeps the chat server's rooms: a room is created by its
//! first [`join`](Rooms::join) and removed by its last [`leave`](Rooms::leave), and every member
//! of a room shares one `broadcast` channel.

use std::collections::BTreeMap;
use std::sync::Arc;

// std's `Mutex`, wrapped: it behaves exactly like `std::sync::Mutex`, and lets the tests put
// another thread's join right after a lock is released, where a race can hide.
use testkit::sync::Mutex;
use tokio::sync::broadcast;

/// A room's channel carries finished lines, shared by every receiver through the `Arc`.
pub type RoomSender = broadcast::Sender<Arc<str>>;

struct Room {
    tx: RoomSender,
    members: usize,
}

/// The rooms of a chat server, by name.
pub struct Rooms {
    /// The channel capacity of every new room.
    capacity: usize,
    /// One lock over the map *and* the member counts: "was that the last member?" and "remove
    /// the room" happen under the same guard, so a join cannot slip in between them. A std
    /// `Mutex` is right here: nothing awaits while it is held.
    rooms: Mutex<BTreeMap<String, Room>>,
}

impl Rooms {
    /// No rooms yet; each room will get a channel of `capacity`.
    pub fn new(capacity: usize) -> Rooms {
        Rooms {
            capacity,
            rooms: Mutex::new(BTreeMap::new()),
        }
    }

    /// Joins room `name`, creating it if it does not exist. Returns the room's sender and a new
    /// receiver for it.
    pub fn join(&self, name: &str) -> (RoomSender, broadcast::Receiver<Arc<str>>) {
        let mut rooms = self.rooms.lock().unwrap();
        let room = rooms.entry(name.to_string()).or_insert_with(|| Room {
            tx: broadcast::channel(self.capacity).0,
            members: 0,
        });
        room.members += 1;
        (room.tx.clone(), room.tx.subscribe())
    }

    /// Leaves room `name`; removes the room when this was its last member.
    pub fn leave(&self, name: &str) {
        let mut rooms = self.rooms.lock().unwrap();
        if let Some(room) = rooms.get_mut(name) {
            room.members -= 1;
            if room.members == 0 {
                rooms.remove(name);
            }
        }
    }

    /// Every room and its number of members, sorted by name.
    pub fn list(&self) -> Vec<(String, usize)> {
        let rooms = self.rooms.lock().unwrap();
        rooms
            .iter()
            .map(|(name, room)| (name.clone(), room.members))
            .collect()
    }
}
