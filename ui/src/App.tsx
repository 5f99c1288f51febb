import { type ReactNode, useEffect, useState } from "react";
import { api } from "./api";
import { Dialog } from "./components/Dialog";
import { Icon } from "./components/Icon";
import { AboutPanel } from "./features/about/AboutPanel";
import { ConnectScreen } from "./features/connect/ConnectScreen";
import { ContactsScreen } from "./features/contacts/ContactsScreen";
import { DeliveriesScreen } from "./features/deliveries/DeliveriesScreen";
import { MappingScreen } from "./features/mapping/MappingScreen";
import { RoutingScreen } from "./features/routing/RoutingScreen";
import { SoqlScreen } from "./features/soql/SoqlScreen";
import { useLoad } from "./hooks";
import { SCREENS, type ScreenId, screenFromHash } from "./screens";
import { useTheme } from "./theme";

const SCREEN_BODIES: Record<ScreenId, () => ReactNode> = {
  connect: () => <ConnectScreen />,
  mapping: () => <MappingScreen />,
  routing: () => <RoutingScreen />,
  contacts: () => <ContactsScreen />,
  soql: () => <SoqlScreen />,
  deliveries: () => <DeliveriesScreen />,
};

function useHashScreen(): ScreenId {
  const [screen, setScreen] = useState(() => screenFromHash(window.location.hash));
  useEffect(() => {
    const onHash = () => setScreen(screenFromHash(window.location.hash));
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);
  return screen;
}

export function App() {
  const screen = useHashScreen();
  const [theme, toggleTheme] = useTheme();
  const [showAbout, setShowAbout] = useState(false);
  const [info] = useLoad(api.appInfo);
  const meta = SCREENS.find((s) => s.id === screen) ?? SCREENS[0];

  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Main">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <span>Leadbridge</span>
        </div>
        <ul>
          {SCREENS.map((s) => (
            <li key={s.id}>
              <a
                href={`#/${s.id}`}
                className={s.id === screen ? "nav-item active" : "nav-item"}
                aria-current={s.id === screen ? "page" : undefined}
                data-testid={`nav-${s.id}`}
              >
                <Icon name={s.id} />
                <span>{s.title}</span>
              </a>
            </li>
          ))}
        </ul>
        <div className="sidebar-footer">
          <button type="button" className="ghost" onClick={() => setShowAbout(true)} data-testid="open-about">
            <Icon name="info" size={16} />
            <span data-testid="app-version">
              {info.state === "ready" ? `v${info.value.version}` : info.state === "failed" ? "error" : "…"}
            </span>
          </button>
          <button
            type="button"
            className="ghost"
            onClick={toggleTheme}
            aria-label={theme === "dark" ? "Switch to light theme" : "Switch to dark theme"}
          >
            <Icon name={theme === "dark" ? "sun" : "moon"} size={16} />
          </button>
        </div>
      </nav>
      <main className="content">
        <header className="page-header">
          <h1 data-testid="screen-title">{meta?.title}</h1>
          <p className="muted">{meta?.summary}</p>
        </header>
        <section className="page-body">{SCREEN_BODIES[screen]()}</section>
      </main>
      {showAbout && (
        <Dialog
          title="About Leadbridge"
          onClose={() => setShowAbout(false)}
          actions={
            <button type="button" onClick={() => setShowAbout(false)}>
              Close
            </button>
          }
        >
          <AboutPanel />
        </Dialog>
      )}
    </div>
  );
}
