package org.imagetree.jenkins;

import hudson.model.Run;
import jenkins.model.RunAction2;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The build page's record of the service pipelines a run ran ({@code servicePipeline}): one action per run (URL
 * {@code service-pipelines}), one section per pipeline run (a step called twice adds its pipelines after the first
 * call's), each stage with its outcome, the reason it did not succeed, its duration, the images it built and the
 * references it published with their digests. Everything is masked before it is stored. A {@link RunAction2} of plain
 * serializable fields: saved with the build and shown on its page (summary.jelly, index.jelly).
 */
public final class ServicePipelineAction extends RunRecordAction {
    private final CopyOnWriteArrayList<PipelineSection> pipelines = new CopyOnWriteArrayList<>();

    /** A reference a stage published and the digest the registry serves for it. */
    public static final class Published implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String reference;
        private final String digest;

        public Published(String reference, String digest) {
            this.reference = reference;
            this.digest = digest;
        }

        public String getReference() { return reference; }

        public String getDigest() { return digest; }

        HashMap<String, Object> toMap() {
            HashMap<String, Object> m = new HashMap<>();
            m.put("reference", reference);
            m.put("digest", digest);
            return m;
        }
    }

    /** One stage's outcome. {@code status}: succeeded, failed, skipped, not-run. {@code images}: "variant: id (local name)". */
    public static final class StageRow implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String name;
        private final String status;
        private final String reason;
        private final long millis;
        private final ArrayList<String> images;
        private final ArrayList<Published> published;

        public StageRow(String name, String status, String reason, long millis, List<String> images, List<Published> published) {
            this.name = name;
            this.status = status;
            this.reason = reason == null ? "" : reason;
            this.millis = millis;
            this.images = new ArrayList<>(images);
            this.published = new ArrayList<>(published);
        }

        public String getName() { return name; }

        public String getStatus() { return status; }

        public String getReason() { return reason; }

        public long getMillis() { return millis; }

        /** Seconds with one decimal, for the page. */
        public String getDuration() { return String.format(java.util.Locale.ROOT, "%.1f", millis / 1000.0); }

        public List<String> getImages() { return List.copyOf(images); }

        public List<Published> getPublished() { return List.copyOf(published); }

        public boolean isFailed() { return "failed".equals(status) || "skipped".equals(status); }

        StageRow masked(SecretMasker m) {
            return new StageRow(name, status, m.mask(reason), millis, images, published);
        }

        HashMap<String, Object> toMap() {
            HashMap<String, Object> out = new HashMap<>();
            out.put("name", name);
            out.put("status", status);
            out.put("reason", reason);
            out.put("millis", millis);
            out.put("images", new ArrayList<>(images));
            ArrayList<HashMap<String, Object>> p = new ArrayList<>();
            for (Published x : published) p.add(x.toMap());
            out.put("published", p);
            return out;
        }
    }

    /** One pipeline's run: its name, setup timestamp, stages in the config's order, teardown problems. */
    public static final class PipelineSection implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String name;
        private final String timestamp;
        private final boolean succeeded;
        private final ArrayList<StageRow> stages;
        private final ArrayList<String> teardownProblems;

        public PipelineSection(String name, String timestamp, boolean succeeded, List<StageRow> stages, List<String> teardownProblems) {
            this.name = name;
            this.timestamp = timestamp;
            this.succeeded = succeeded;
            this.stages = new ArrayList<>(stages);
            this.teardownProblems = new ArrayList<>(teardownProblems);
        }

        public String getName() { return name; }

        public String getTimestamp() { return timestamp; }

        public boolean isSucceeded() { return succeeded; }

        public boolean isFailed() { return !succeeded; }

        public List<StageRow> getStages() { return List.copyOf(stages); }

        public List<String> getTeardownProblems() { return List.copyOf(teardownProblems); }

        PipelineSection masked(SecretMasker m) {
            return new PipelineSection(name, timestamp, succeeded, stages.stream().map(s -> s.masked(m)).toList(),
                    teardownProblems.stream().map(m::mask).toList());
        }

        HashMap<String, Object> toMap() {
            HashMap<String, Object> out = new HashMap<>();
            out.put("name", name);
            out.put("timestamp", timestamp);
            out.put("succeeded", succeeded);
            ArrayList<HashMap<String, Object>> s = new ArrayList<>();
            for (StageRow r : stages) s.add(r.toMap());
            out.put("stages", s);
            out.put("teardownProblems", new ArrayList<>(teardownProblems));
            return out;
        }
    }

    ServicePipelineAction() {}

    /** Adds pipeline runs to the run's action (made on first use), masked. Parallel branches may call it at once. */
    static ServicePipelineAction record(Run<?, ?> run, List<PipelineSection> sections, SecretMasker masker) {
        List<PipelineSection> masked = sections.stream().map(s -> s.masked(masker)).toList();
        return record(run, ServicePipelineAction.class, ServicePipelineAction::new, action -> action.pipelines.addAll(masked));
    }

    public List<PipelineSection> getPipelines() { return List.copyOf(pipelines); }

    /** Every reference published by every pipeline, in order. */
    public List<Published> getPublished() {
        List<Published> out = new ArrayList<>();
        for (PipelineSection p : pipelines) for (StageRow s : p.stages) out.addAll(s.published);
        return out;
    }

    /** For the summary: "2 pipeline(s): 1 succeeded, 1 failed; 3 image reference(s) published". */
    public String getCounts() {
        long ok = pipelines.stream().filter(PipelineSection::isSucceeded).count();
        long failed = pipelines.size() - ok;
        return pipelines.size() + " pipeline(s): " + ok + " succeeded" + (failed > 0 ? ", " + failed + " failed" : "")
                + "; " + getPublished().size() + " image reference(s) published";
    }

    @Override
    public String getDisplayName() { return Texts.get("ServicePipelineAction.DisplayName"); }

    @Override
    public String getUrlName() { return "service-pipelines"; }
}
