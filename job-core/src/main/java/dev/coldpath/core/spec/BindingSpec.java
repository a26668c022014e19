package dev.coldpath.core.spec;

import static java.util.Objects.requireNonNull;

import dev.coldpath.core.error.JobSpecException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One model of a job under its name and role: a {@code models} entry ({@code models.<name>.*}), or the one model
 * of a job that sets {@code model} (named {@value #SHORTHAND}, the champion).
 *
 * @param name  names the binding in {@code served_by}, its shadow directory and the comparison
 * @param model the model and how columns feed it, the job-level keys applied where the entry sets none
 */
public record BindingSpec(String name, Role role, ModelSpec model) {
    /** The name of the binding of a one-model job ({@code model: ...}). */
    public static final String SHORTHAND = "champion";

    public BindingSpec {
        requireNonNull(name, "name is null");
        requireNonNull(role, "role is null");
        requireNonNull(model, "model is null");
    }

    /** The job's bindings, in the order given: its {@code models} entries, or its one {@code model}. */
    public static List<BindingSpec> from(JobConfig config) {
        List<String> names = config.bindingNames();
        if (names.isEmpty()) {
            return List.of(new BindingSpec(SHORTHAND, Role.CHAMPION, ModelSpec.from(config)));
        }
        if (config.has(JobKey.MODEL.key())) {
            throw new JobSpecException("Both model and models are set: a job names one model with model, or several"
                    + " with models (move model into a models entry with role: champion)");
        }
        List<BindingSpec> bindings = new ArrayList<>();
        for (String name : names) {
            JobConfig.checkBindingName(name, JobKey.BINDINGS + " entry name");
            Role role = config.find(name, JobKey.BINDING_ROLE).orElseThrow(() -> new JobSpecException("Missing "
                    + JobKey.BINDING_ROLE.keyFor(name) + ": " + JobKey.BINDING_ROLE.description()));
            if (config.find(name, JobKey.BINDING_MODEL).filter(m -> !m.isBlank()).isEmpty()) {
                throw new JobSpecException("Missing " + JobKey.BINDING_MODEL.keyFor(name) + ": "
                        + JobKey.BINDING_MODEL.description());
            }
            bindings.add(new BindingSpec(name, role, ModelSpec.from(config.forBinding(name))));
        }
        return bindings;
    }

    /**
     * The rules on a job's roles that need no model or data: one champion, at most one canary, names unique (in any
     * case: they name directories), and routing set exactly when there is a canary, with a key and a percent in
     * steps of 0.01.
     *
     * @throws JobSpecException naming the rule broken and how to mend it
     */
    static void checkRoles(List<BindingSpec> bindings, RoutingSpec routing) {
        Set<String> names = new HashSet<>();
        for (BindingSpec b : bindings) {
            if (!names.add(b.name().toLowerCase(Locale.ROOT))) {
                throw new JobSpecException("Two models are named '" + b.name() + "' (names are compared ignoring"
                        + " case): give each models entry a name of its own");
            }
        }
        List<String> champions = named(bindings, Role.CHAMPION);
        if (champions.size() != 1) {
            throw new JobSpecException((champions.isEmpty() ? "No model has role champion"
                    : "Models " + String.join(", ", champions) + " all have role champion")
                    + ": a job publishes exactly one champion's predictions (give the others role shadow or canary)");
        }
        List<String> canaries = named(bindings, Role.CANARY);
        if (canaries.size() > 1) {
            throw new JobSpecException("Models " + String.join(", ", canaries) + " all have role canary: a job has at"
                    + " most one canary (run the others as shadows)");
        }
        if (canaries.isEmpty()) {
            if (routing.isSet()) {
                throw new JobSpecException("routing." + (routing.key().isEmpty() ? "canary-percent" : "key")
                        + " is set but no model has role canary: routing only sends rows to a canary (remove"
                        + " routing, or give a model role canary)");
            }
            return;
        }
        String canary = canaries.get(0);
        if (routing.key().isEmpty()) {
            throw new JobSpecException("Missing routing.key: canary " + canary + " publishes the rows of a stable share"
                    + " of keys, so routing.key must name the input columns that identify a row's key (e.g."
                    + " routing: {canary-percent: 10, key: [customer_id]})");
        }
        if (new HashSet<>(routing.key()).size() != routing.key().size()) {
            throw new JobSpecException("Invalid routing.key: a column is listed twice: " + routing.key());
        }
        double percent = routing.canaryPercent().orElseThrow(() -> new JobSpecException("Missing"
                + " routing.canary-percent: the percent of keys canary " + canary + " publishes (e.g. 10)"));
        if (Math.abs(percent * 100 - Math.rint(percent * 100)) > 1e-6) {
            throw new JobSpecException("Invalid routing.canary-percent: " + percent + " (must be a number from 0 to"
                    + " 100 in steps of 0.01)");
        }
    }

    private static List<String> named(List<BindingSpec> bindings, Role role) {
        return bindings.stream().filter(b -> b.role() == role).map(BindingSpec::name).collect(Collectors.toList());
    }
}
