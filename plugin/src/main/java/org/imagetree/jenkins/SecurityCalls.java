package org.imagetree.jenkins;

import hudson.AbortException;
import hudson.model.TaskListener;
import org.imagetree.ImageTreeEngine;
import org.imagetree.config.EngineConfig;
import org.imagetree.report.SafeText;
import org.imagetree.security.ScanReport;
import org.imagetree.security.SecurityScanException;
import org.imagetree.security.SecurityUpdates;
import org.imagetree.update.TreeUpdater;

import java.io.File;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The engine calls of the security steps ({@code imageTreeSecurityScan}, {@code imageTreeSecurityUpdate}), run on the
 * agent like the others ({@link AgentCalls.EngineCall}): they read the registry and the APT sources from there.
 */
final class SecurityCalls {
    private SecurityCalls() {}

    /** {@code imageTreeSecurityScan}: the scan of a tree (or of image references) as plain maps. */
    static final class Scan extends AgentCalls.EngineCall<ArrayList<HashMap<String, Object>>> {
        private static final long serialVersionUID = 1L;
        private final ArrayList<String> images;

        Scan(EngineSettings settings, List<String> images, TaskListener listener) {
            super(settings, listener);
            this.images = images == null ? null : new ArrayList<>(images);
        }

        @Override
        ArrayList<HashMap<String, Object>> call(File workspace, EngineConfig config, ConsoleBuildListener console) throws AbortException {
            ImageTreeEngine engine = connectedEngine(config, null);
            ScanReport report;
            try {
                report = images != null && !images.isEmpty() ? engine.securityScan(images)
                        : engine.securityScan(settings.imageDirectory(workspace));
            } catch (SecurityScanException e) {
                throw new AbortException("imageTreeSecurityScan: " + SafeText.escapeLines(e.getMessage()));
            }
            report.warnings().forEach(w -> console.println("[imagetree] warning: " + SafeText.escape(w)));
            report.text().lines().forEach(l -> console.println("[imagetree] " + l));
            if (report.failed()) { // as the CLI's exit 1: the report above still lists every image
                throw new AbortException("imageTreeSecurityScan: " + report.failures().size() + " image"
                        + (report.failures().size() == 1 ? "" : "s") + " could not be read (listed above)");
            }
            ArrayList<HashMap<String, Object>> out = new ArrayList<>();
            for (Map<String, Object> m : report.asMaps()) out.add(serializable(m));
            return out;
        }
    }

    /** {@code imageTreeSecurityUpdate}: scan, then the changelog bumps; base images to rebuild are listed. */
    static final class Update extends AgentCalls.EngineCall<HashMap<String, Object>> {
        private static final long serialVersionUID = 1L;

        Update(EngineSettings settings, TaskListener listener) {
            super(settings, listener);
        }

        @Override
        HashMap<String, Object> call(File workspace, EngineConfig config, ConsoleBuildListener console) throws AbortException {
            ImageTreeEngine.SecurityUpdate u;
            try {
                u = connectedEngine(config, null).securityUpdate(settings.imageDirectory(workspace));
            } catch (SecurityScanException e) {
                throw new AbortException("imageTreeSecurityUpdate: " + SafeText.escapeLines(e.getMessage()) + " (nothing was changed)");
            }
            u.scan().warnings().forEach(w -> console.println("[imagetree] warning: " + SafeText.escape(w)));
            ArrayList<HashMap<String, Object>> bumps = new ArrayList<>();
            for (TreeUpdater.Bump b : u.bumps()) {
                console.println("[imagetree] " + b.name() + ": " + b.oldVersion() + " -> " + b.newVersion());
                HashMap<String, Object> m = AgentCalls.map(workspace, b);
                m.put("reason", u.plan().reasons().getOrDefault(b.name(), ""));
                bumps.add(m);
            }
            ArrayList<HashMap<String, Object>> bases = new ArrayList<>();
            for (SecurityUpdates.BaseRebuild b : u.plan().bases()) {
                console.println("[imagetree] rebuild the base image " + b.base() + " (for " + b.image() + ")");
                HashMap<String, Object> m = new HashMap<>();
                m.put("base", b.base());
                m.put("image", b.image());
                ArrayList<String> packages = new ArrayList<>();
                for (ScanReport.Outdated p : b.packages()) packages.add(p.name() + " " + p.installed() + " -> " + p.available());
                m.put("packages", packages);
                bases.add(m);
            }
            HashMap<String, Object> out = new HashMap<>();
            out.put("bumps", bumps);
            out.put("bases", bases);
            return out;
        }
    }

    /** Deep copy into serializable collections (the result crosses the agent channel and lives in the CPS program). */
    @SuppressWarnings("unchecked")
    static HashMap<String, Object> serializable(Map<String, Object> m) {
        HashMap<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : m.entrySet()) {
            Object v = e.getValue();
            if (v instanceof Map<?, ?> inner) v = serializable((Map<String, Object>) inner);
            else if (v instanceof List<?> list) {
                ArrayList<Object> copy = new ArrayList<>();
                for (Object o : list) copy.add(o instanceof Map<?, ?> im ? serializable((Map<String, Object>) im) : o);
                v = copy;
            }
            out.put(e.getKey(), v);
        }
        return out;
    }
}
