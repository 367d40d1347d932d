COMMENT
HCN current (spec 4.9): non-specific cation current reversing at eh, voltage shift vshift (0 in the paper).
No temperature factor.
ENDCOMMENT

NEURON {
    SUFFIX Ih
    NONSPECIFIC_CURRENT ihcn
    RANGE gbar, g, eh, vshift
    RANGE minf, mtau
}

UNITS {
    (S) = (siemens)
    (mV) = (millivolt)
    (mA) = (milliamp)
}

PARAMETER {
    gbar = 0 (S/cm2)
    eh = -45 (mV)
    vshift = 0 (mV)
}

ASSIGNED {
    v (mV)
    ihcn (mA/cm2)
    g (S/cm2)
    minf
    mtau (ms)
}

STATE { m }

BREAKPOINT {
    SOLVE states METHOD cnexp
    g = gbar * m
    ihcn = g * (v - eh)
}

DERIVATIVE states {
    rates(v)
    m' = (minf - m) / mtau
}

INITIAL {
    rates(v)
    m = minf
}

PROCEDURE rates(vm (mV)) {
    LOCAL a, b
    a = 6.43e-3 * 11.9 * efun((vm + 154.9 - vshift) / 11.9)
    b = 0.193 * exp((vm - vshift) / 33.1)
    minf = a / (a + b)
    mtau = 1 / (a + b)
}

FUNCTION efun(x) {
    : x / (exp(x) - 1), continuous through x = 0
    if (fabs(x) < 1e-6) {
        efun = 1 - x / 2 + x * x / 12
    } else {
        efun = x / (exp(x) - 1)
    }
}
