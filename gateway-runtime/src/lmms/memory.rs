//! Giving memory back to the system after an unload.
//!
//! Dropping a module's state returns its memory to the allocator, but glibc keeps freed heap
//! memory for reuse (and, after a large block is freed, raises the size above which it maps
//! blocks directly), so the process's resident size may not shrink. After a maintenance that
//! unloaded something, the runtime asks glibc to release what it holds free.

/// Releases the allocator's free memory to the system; returns whether any was released.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
pub fn release_free_memory() -> bool {
    // SAFETY: `malloc_trim` takes no pointers and only returns memory glibc holds free; it is
    // thread-safe and may be called at any time.
    unsafe { libc::malloc_trim(0) != 0 }
}

/// Releases the allocator's free memory to the system; a no-op outside glibc.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn release_free_memory() -> bool {
    false
}
