package org.imagetree.execute;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The machine-wide repository locks and the run directories, within one JVM (as Jenkins runs many builds): a second
 * run of one repository waits, and is told so, until the first releases it; a run directory whose owner is gone is
 * removed by the next run, a live one never. (Across processes: RunGuaranteesCliTest in the cli module.)
 */
class RunLocksTest {

    @Test
    void aSecondRunOfOneRepositoryWaitsUntilTheFirstReleasesIt(@TempDir Path tmp) throws Exception {
        RepositoryLocks locks = new RepositoryLocks(tmp.resolve("locks"));
        RepositoryLocks other = new RepositoryLocks(tmp.resolve("locks")); // another run: its own instance, same directory
        CountDownLatch waiting = new CountDownLatch(1);
        AtomicBoolean acquired = new AtomicBoolean();
        Thread second;
        try (RepositoryLocks.Held first = locks.acquire("registry.example/ns/app", () -> { throw new AssertionError("nobody holds it"); })) {
            second = new Thread(() -> {
                try (RepositoryLocks.Held h = other.acquire("registry.example/ns/app", waiting::countDown)) {
                    acquired.set(true);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            second.start();
            assertThat(waiting.await(60, TimeUnit.SECONDS)).as("the second run is told it waits").isTrue();
            assertThat(acquired).as("not while the first holds it").isFalse();
            // another repository is not held up
            try (RepositoryLocks.Held unrelated = other.acquire("registry.example/ns/tool", () -> { throw new AssertionError("free"); })) {
                assertThat(unrelated).isNotNull();
            }
        }
        second.join(60_000);
        assertThat(acquired).as("the second run gets it once the first released it").isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("locks")))).isEqualTo("rwx------");
        assertThat(RepositoryLocks.defaultDirectory(Map.of("XDG_CACHE_HOME", "/c"), tmp)).isEqualTo(Path.of("/c/imagetree/locks"));
        assertThat(RepositoryLocks.defaultDirectory(Map.of("HOME", "/h"), tmp)).isEqualTo(Path.of("/h/.cache/imagetree/locks"));
    }

    @Test
    void theDirectoryOfADeadRunIsRemovedByTheNextRunAndALiveOneNever(@TempDir Path tmp) throws Exception {
        Path work = tmp.resolve("work");
        // What a killed run leaves: its directory, an owner file nobody locks, a context and its archive.
        Path dead = Files.createDirectories(work.resolve(RunDirectory.PREFIX + "4242-123"));
        Files.writeString(dead.resolve("owner"), "");
        Files.createDirectories(dead.resolve("app-1/context"));
        Files.writeString(dead.resolve("app-1/context.tar"), "tar");
        Path unrelated = Files.createDirectories(work.resolve("someone-else"));

        java.util.List<Path> removed = new java.util.ArrayList<>();
        try (RunDirectory live = RunDirectory.open(work, removed::add)) {
            assertThat(removed).containsExactly(dead);
            assertThat(dead).doesNotExist();
            assertThat(unrelated).exists();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(live.path()))).isEqualTo("rwx------");

            java.util.List<Path> removedByAnother = new java.util.ArrayList<>();
            try (RunDirectory another = RunDirectory.open(work, removedByAnother::add)) {
                assertThat(removedByAnother).as("a live run's directory is left alone").isEmpty();
                assertThat(live.path()).exists();
                assertThat(another.path()).isNotEqualTo(live.path());
            }
            assertThat(live.path()).exists();
        }
        try (var left = Files.list(work)) {
            assertThat(left).containsExactly(unrelated);
        }
    }
}
