package dev.coldpath.core.plan;

/** What a model binding's outputs are for in the run. */
public enum Role {
    /** The model whose outputs are the run's predictions; a run has exactly one. */
    PRIMARY
}
