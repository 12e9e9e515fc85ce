//! Connections that have not sent a byte yet. Each waits here (a [`Ticket`]) until its first
//! byte, at most the header deadline. The room holds a bounded number; a newcomer when it is
//! full closes the one that has waited longest, so sockets that connect and stay silent can
//! delay a real client by no more than the time it takes to send its request.
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::oneshot;

#[derive(Debug)]
pub struct WaitingRoom {
    capacity: usize,
    queue: Mutex<Queue>,
}

#[derive(Debug, Default)]
struct Queue {
    next_id: u64,
    /// Oldest first; the sender tells a waiting connection it was evicted.
    waiting: VecDeque<(u64, oneshot::Sender<()>)>,
}

/// A place in the room; leaving it (dropping) frees the place.
#[derive(Debug)]
pub struct Ticket {
    room: Arc<WaitingRoom>,
    id: u64,
    /// Completes when a newcomer took this place: the connection should close.
    pub evicted: oneshot::Receiver<()>,
}

impl WaitingRoom {
    pub fn new(capacity: usize) -> Arc<Self> {
        Arc::new(Self { capacity: capacity.max(1), queue: Mutex::new(Queue::default()) })
    }

    /// Takes a place, evicting the longest waiting connection when the room is full.
    pub fn enter(self: &Arc<Self>) -> Ticket {
        let (tell, evicted) = oneshot::channel();
        let mut queue = self.lock();
        while queue.waiting.len() >= self.capacity {
            if let Some((_, oldest)) = queue.waiting.pop_front() {
                // The oldest may have just left by itself; then there is nobody to tell.
                let _ = oldest.send(());
            }
        }
        let id = queue.next_id;
        queue.next_id += 1;
        queue.waiting.push_back((id, tell));
        Ticket { room: Arc::clone(self), id, evicted }
    }

    /// Connections waiting now.
    pub fn len(&self) -> usize {
        self.lock().waiting.len()
    }

    fn lock(&self) -> MutexGuard<'_, Queue> {
        // The queue stays consistent even if a holder panicked: every change is one call.
        self.queue.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut queue = self.room.lock();
        if let Some(at) = queue.waiting.iter().position(|(id, _)| *id == self.id) {
            queue.waiting.remove(at);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_room_evicts_the_longest_waiting_and_leaving_frees_a_place() {
        let room = WaitingRoom::new(2);
        let mut first = room.enter();
        let mut second = room.enter();
        assert_eq!(room.len(), 2);
        let third = room.enter();
        assert_eq!(first.evicted.try_recv(), Ok(()), "the oldest goes");
        assert!(second.evicted.try_recv().is_err(), "the others stay");
        assert_eq!(room.len(), 2);
        drop(third);
        assert_eq!(room.len(), 1);
        drop(second);
        drop(first);
        assert_eq!(room.len(), 0);
    }
}
