package org.imagetree.jenkins;

import hudson.model.Run;
import jenkins.model.RunAction2;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What the build-page records of a run's steps ({@link ImageTreeAction}, {@link ServicePipelineAction}) share: one
 * action of each kind per run, made on first use and added to by every later step call, parallel branches included;
 * attached to its run as a {@link RunAction2} (the run is transient: an action is saved with the build, not the build
 * with it); shown with the plugin's icon. Subclasses hold the records, in plain serializable fields.
 */
public abstract class RunRecordAction implements RunAction2 {
    private transient Run<?, ?> run;

    RunRecordAction() {}

    /**
     * The run's action of {@code type}, made with {@code make} and added to the run if it has none yet, after
     * {@code add} has recorded into it. Runs under the run's lock, so that parallel branches of one run make one action
     * and lose none of each other's records.
     */
    static <A extends RunRecordAction> A record(Run<?, ?> run, Class<A> type, Supplier<A> make, Consumer<A> add) {
        synchronized (run) {
            A action = run.getAction(type);
            if (action == null) {
                action = make.get();
                run.addAction(action);
            }
            add.accept(action);
            return action;
        }
    }

    public Run<?, ?> getRun() { return run; }

    @Override
    public void onAttached(Run<?, ?> r) { this.run = r; }

    @Override
    public void onLoad(Run<?, ?> r) { this.run = r; }

    @Override
    public String getIconFileName() { return "/plugin/image-tree/images/image-tree.svg"; }
}
