COMMENT
Transient (A-type) K current (spec 4.4). Junction-potential shifted: the formulas use u = v + 10.
Time constants divided by qt = 2.3^1.3.
ENDCOMMENT

NEURON {
    SUFFIX KT
    USEION k READ ek WRITE ik
    RANGE gbar, g
    RANGE minf, hinf, mtau, htau
}

UNITS {
    (S) = (siemens)
    (mV) = (millivolt)
    (mA) = (milliamp)
}

PARAMETER {
    gbar = 0 (S/cm2)
}

ASSIGNED {
    v (mV)
    ek (mV)
    ik (mA/cm2)
    g (S/cm2)
    minf
    hinf
    mtau (ms)
    htau (ms)
}

STATE { m h }

BREAKPOINT {
    SOLVE states METHOD cnexp
    g = gbar * m * m * m * m * h
    ik = g * (v - ek)
}

DERIVATIVE states {
    rates(v)
    m' = (minf - m) / mtau
    h' = (hinf - h) / htau
}

INITIAL {
    rates(v)
    m = minf
    h = hinf
}

PROCEDURE rates(vm (mV)) {
    LOCAL u, qt
    qt = 2.3 ^ ((34 - 21) / 10)
    u = vm + 10
    minf = 1 / (1 + exp(-u / 19))
    mtau = (0.34 + 0.92 * exp(-((u + 71) / 59) ^ 2)) / qt
    hinf = 1 / (1 + exp((u + 66) / 10))
    htau = (8 + 49 * exp(-((u + 73) / 23) ^ 2)) / qt
}
