//! Where the CPU goes during a measurement, read from /proc (Linux): the load driver (this
//! process), the server's threads grouped by what they do, and the PostgreSQL server's
//! processes. Divided by the requests answered, this says what one request costs on this
//! machine, which throughput alone cannot: the load driver and the server share the cores,
//! and the single writer's threads are a serial path of their own.
use procfs::process::Process;

/// CPU seconds used so far, by part.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CpuTimes {
    /// The load driver: this process.
    pub client: f64,
    /// The server's runtime threads: HTTP, authentication, parsing, rendering, blocking work.
    pub runtime: f64,
    /// The server's group-commit writer thread (SQLite).
    pub writer: f64,
    /// sqlx's SQLite worker threads, one per connection; under ingest, the writer's and the
    /// background checkpointer's (named alike, so counted together).
    pub sqlite: f64,
    /// The server's other threads.
    pub other: f64,
    /// Every `postgres` process on the machine (zero with SQLite).
    pub postgres: f64,
}

impl CpuTimes {
    /// The server process's own threads.
    pub fn server(&self) -> f64 {
        self.runtime + self.writer + self.sqlite + self.other
    }

    /// Everything counted, on both sides.
    pub fn total(&self) -> f64 {
        self.client + self.server() + self.postgres
    }

    /// The one-at-a-time path every SQLite write takes: the writer and its SQLite thread (with
    /// the checkpointer's, which runs beside them: a slight overcount).
    pub fn serial(&self) -> f64 {
        self.writer + self.sqlite
    }

    /// The database's share: the writer, the SQLite threads and PostgreSQL's processes.
    pub fn database(&self) -> f64 {
        self.writer + self.sqlite + self.postgres
    }

    /// Everything but the database's share: the load driver and the HTTP side.
    pub fn outside_database(&self) -> f64 {
        self.total() - self.database()
    }

    /// What was used between `before` and `self`, in microseconds per request.
    pub fn per_request_since(&self, before: &CpuTimes, requests: u64) -> CpuTimes {
        let per = |now: f64, then: f64| if requests == 0 { 0.0 } else { (now - then).max(0.0) * 1e6 / requests as f64 };
        CpuTimes {
            client: per(self.client, before.client),
            runtime: per(self.runtime, before.runtime),
            writer: per(self.writer, before.writer),
            sqlite: per(self.sqlite, before.sqlite),
            other: per(self.other, before.other),
            postgres: per(self.postgres, before.postgres),
        }
    }
}

/// What a target rate allows one request to cost, in microseconds of CPU, on `cores` cores
/// that are all busy: in all, and on a path that runs one request at a time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Budget {
    pub total: f64,
    pub serial: f64,
}

impl Budget {
    pub fn at(rate_per_second: f64, cores: f64) -> Self {
        Self { total: cores * 1e6 / rate_per_second, serial: 1e6 / rate_per_second }
    }
}

/// The part of the server a thread belongs to, by the name it was given (as /proc shows
/// it: at most 15 bytes).
fn part_of(thread: &str) -> Part {
    if thread == server::ingest::WRITER_THREAD_NAME {
        Part::Writer
    } else if thread.starts_with("sqlx-sqlite") {
        Part::Sqlite
    } else if thread.starts_with("tokio-rt") || thread.starts_with("tokio-runtime") {
        Part::Runtime
    } else {
        Part::Other
    }
}

#[derive(Debug, PartialEq)]
enum Part {
    Runtime,
    Writer,
    Sqlite,
    Other,
}

/// Reads the CPU times of the load driver and of one server process. A thread that ends
/// during a measurement takes its time with it (tokio's idle blocking threads do).
pub struct CpuClock {
    server: i32,
    ticks_per_second: f64,
}

impl CpuClock {
    pub fn new(server_pid: u32) -> Self {
        Self { server: server_pid as i32, ticks_per_second: procfs::ticks_per_second().max(1) as f64 }
    }

    /// The times so far; a part that cannot be read (not Linux, a process gone) counts zero.
    pub fn read(&self) -> CpuTimes {
        let seconds = |stat: &procfs::process::Stat| (stat.utime + stat.stime) as f64 / self.ticks_per_second;
        let mut times = CpuTimes::default();
        if let Ok(stat) = Process::myself().and_then(|p| p.stat()) {
            times.client = seconds(&stat);
        }
        if let Ok(tasks) = Process::new(self.server).and_then(|p| p.tasks()) {
            for stat in tasks.flatten().filter_map(|task| task.stat().ok()) {
                let part = match part_of(&stat.comm) {
                    Part::Runtime => &mut times.runtime,
                    Part::Writer => &mut times.writer,
                    Part::Sqlite => &mut times.sqlite,
                    Part::Other => &mut times.other,
                };
                *part += seconds(&stat);
            }
        }
        if let Ok(processes) = procfs::process::all_processes() {
            for stat in processes.flatten().filter_map(|p| p.stat().ok()).filter(|s| s.comm == "postgres") {
                times.postgres += seconds(&stat);
            }
        }
        times
    }
}

/// Resident memory of process `pid`, in bytes; 0 when it cannot be read.
pub fn rss_bytes(pid: u32) -> u64 {
    Process::new(pid as i32).and_then(|p| p.status()).ok().and_then(|s| s.vmrss).map_or(0, |kb| kb * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threads_are_told_apart_by_the_names_they_were_given() {
        assert_eq!(part_of(server::ingest::WRITER_THREAD_NAME), Part::Writer);
        assert_eq!(part_of("sqlx-sqlite-wor"), Part::Sqlite, "sqlx-sqlite-worker-N, cut to 15 bytes");
        assert_eq!(part_of("tokio-rt-worker"), Part::Runtime, "tokio's worker and blocking threads");
        assert_eq!(part_of("tokio-runtime-w"), Part::Runtime, "the same in older tokio versions");
        assert_eq!(part_of("waybill"), Part::Other);
    }

    #[test]
    fn times_per_request_are_the_differences_divided_by_the_requests() {
        let before = CpuTimes { client: 1.0, runtime: 2.0, writer: 0.5, sqlite: 0.5, other: 0.0, postgres: 0.0 };
        let after = CpuTimes { client: 1.1, runtime: 2.3, writer: 0.6, sqlite: 0.8, other: 0.0, postgres: 0.0 };
        let per = after.per_request_since(&before, 1000);
        assert!((per.client - 100.0).abs() < 1e-6, "{per:?}");
        assert!((per.runtime - 300.0).abs() < 1e-6);
        assert!((per.serial() - 400.0).abs() < 1e-6);
        assert!((per.total() - 800.0).abs() < 1e-6);
        assert_eq!(after.per_request_since(&before, 0), CpuTimes::default(), "no requests, no cost");
    }

    #[test]
    fn a_rate_on_some_cores_allows_so_much_cpu_per_request() {
        let budget = Budget::at(8_000.0, 2.0);
        assert!((budget.total - 250.0).abs() < 1e-9, "2 cores for 8,000/s: 250 µs each: {budget:?}");
        assert!((budget.serial - 125.0).abs() < 1e-9, "one at a time: 125 µs each");
        let ping = CpuTimes { client: 90.0, runtime: 100.0, writer: 60.0, sqlite: 115.0, other: 0.0, postgres: 0.0 };
        assert!((ping.outside_database() - 190.0).abs() < 1e-9);
        assert!((budget.total - ping.outside_database() - 60.0).abs() < 1e-9, "what is left for the database");
    }

    #[test]
    fn this_process_and_its_threads_are_read() {
        // A thread named as the writer spins for half a second and stays alive until it has
        // been read (a finished thread leaves /proc); this very process is the "server".
        let (spun, wait_spun) = std::sync::mpsc::channel::<()>();
        let (read, wait_read) = std::sync::mpsc::channel::<()>();
        let clock = CpuClock::new(std::process::id());
        let before = clock.read();
        let worker = std::thread::Builder::new()
            .name(server::ingest::WRITER_THREAD_NAME.into())
            .spawn(move || {
                let started = std::time::Instant::now();
                let mut x = 0u64;
                while started.elapsed() < std::time::Duration::from_millis(500) {
                    x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
                }
                let _ = spun.send(());
                let _ = wait_read.recv();
                x
            })
            .unwrap();
        wait_spun.recv().unwrap();
        let after = clock.read();
        read.send(()).unwrap();
        worker.join().unwrap();
        assert!(after.client > 0.0, "the load driver's own time: {after:?}");
        assert!(after.writer >= before.writer + 0.05, "half a second of spinning on the writer's thread: {before:?} -> {after:?}");
        assert!(rss_bytes(std::process::id()) > 0);
    }
}
