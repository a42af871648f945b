package org.imagetree.testing;

import org.imagetree.execute.ContainerEngine;
import org.imagetree.execute.EngineException;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A real engine that records every call ("inspect REF", "tagsAmong", "build TAG", ...) in order, so a test can say
 * which Engine API requests a piece of work made. Everything goes to {@code delegate}.
 */
public final class CountingEngine implements ContainerEngine {
    private final ContainerEngine delegate;
    private final List<String> calls = new CopyOnWriteArrayList<>();

    public CountingEngine(ContainerEngine delegate) { this.delegate = delegate; }

    /** Calls so far, in order. */
    public List<String> calls() { return List.copyOf(calls); }

    public long count(String prefix) { return calls.stream().filter(c -> c.startsWith(prefix)).count(); }

    @Override
    public String build(BuildRequest request, Consumer<String> log) throws EngineException {
        calls.add("build " + String.join(",", request.tags()));
        return delegate.build(request, log);
    }

    @Override
    public Optional<LocalImage> inspect(String reference) throws EngineException {
        calls.add("inspect " + reference);
        return delegate.inspect(reference);
    }

    @Override
    public void pull(String reference, Optional<RegistryAuth> auth, Consumer<String> log) throws EngineException {
        calls.add("pull " + reference);
        delegate.pull(reference, auth, log);
    }

    @Override
    public void tag(String source, String target) throws EngineException {
        calls.add("tag " + source + " " + target);
        delegate.tag(source, target);
    }

    @Override
    public java.io.InputStream save(String image) throws EngineException {
        calls.add("save " + image);
        return delegate.save(image);
    }

    @Override
    public String push(String reference, Optional<RegistryAuth> auth, Consumer<String> log) throws EngineException {
        calls.add("push " + reference);
        return delegate.push(reference, auth, log);
    }

    @Override
    public List<LocalImage> listRepository(String repository) throws EngineException {
        calls.add("listRepository " + repository);
        return delegate.listRepository(repository);
    }

    @Override
    public void remove(String reference) throws EngineException {
        calls.add("remove " + reference);
        delegate.remove(reference);
    }

    @Override
    public Optional<Set<String>> tagsAmong(java.util.Collection<String> references) throws EngineException {
        calls.add("tagsAmong");
        return delegate.tagsAmong(references);
    }

    @Override
    public boolean ping() {
        calls.add("ping");
        return delegate.ping();
    }

    @Override
    public void close() { delegate.close(); }
}
