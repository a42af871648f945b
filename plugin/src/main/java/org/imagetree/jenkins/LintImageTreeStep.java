package org.imagetree.jenkins;

import hudson.AbortException;
import hudson.Extension;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

import java.util.ArrayList;
import java.util.HashMap;

/**
 * {@code lintImageTree}: the gate for every proposed change to an image repository (same checks as
 * {@code imagetree lint}). Prints one line per problem ({@code file:line: problem}) and fails when there is any,
 * unless {@code failOnProblems: false}, in which case it returns {@code [[file, line, message], ...]}.
 */
public class LintImageTreeStep extends TreeStep {
    private String against;
    private boolean failOnProblems = true;

    @DataBoundConstructor
    public LintImageTreeStep() {}

    public String getAgainst() { return against; }

    @DataBoundSetter
    public void setAgainst(String against) { this.against = against == null || against.isBlank() ? null : against.strip(); }

    public boolean isFailOnProblems() { return failOnProblems; }

    @DataBoundSetter
    public void setFailOnProblems(boolean failOnProblems) { this.failOnProblems = failOnProblems; }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(this, context);
    }

    static final class Execution extends ImageTreeStepExecution<ArrayList<HashMap<String, Object>>> {
        private static final long serialVersionUID = 1L;
        private final transient LintImageTreeStep step;

        Execution(LintImageTreeStep step, StepContext context) {
            super(context);
            this.step = step;
        }

        @Override
        protected ArrayList<HashMap<String, Object>> run() throws Exception {
            // Never pushes: no credential is resolved (a lint of a fork's change must not get the publisher's password).
            EngineSettings settings = settingsWithoutCredentials(step.getDirectory(), step.getConfig(), null, defaults());
            ArrayList<HashMap<String, Object>> problems = workspace().act(new AgentCalls.LintTree(settings, step.against, listener()));
            if (!problems.isEmpty() && step.failOnProblems) {
                throw new AbortException("lintImageTree: " + problems.size() + " problem(s) in " + step.getDirectory());
            }
            return problems;
        }
    }

    @Extension
    @Symbol("lintImageTree")
    public static final class DescriptorImpl extends ImageTreeStepDescriptor {
        public DescriptorImpl() { super("lintImageTree", LintImageTreeStep.class); }
    }
}
