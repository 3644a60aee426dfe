// `orion demo`: see demo_command.hpp. The seed data (stores, themes, products, domains, users)
// lives here, in one table per kind, so that the tour is easy to change.
#include "cli/demo_command.hpp"

#include <fmt/format.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <vector>

#include "app/app.hpp"
#include "cli/database_option.hpp"
#include "storage/domains.hpp"
#include "storage/migrations.hpp"
#include "storage/products.hpp"
#include "storage/secrets.hpp"
#include "storage/stores.hpp"
#include "storage/themes.hpp"
#include "storage/users.hpp"

namespace orion::cli {
namespace {

struct DemoProduct {
  const char* sku;
  const char* name;
  const char* description;
  std::int64_t price_cents;
  std::int64_t stock;
};

struct DemoStore {
  const char* code;
  const char* name;
  const char* domain;  // a verified custom domain, or null
  const char* owner_email;
  storage::Theme theme;
  std::vector<DemoProduct> products;
};

storage::Theme theme(const char* primary, const char* secondary, const char* background,
                     const char* text, const char* font) {
  storage::Theme t;
  t.primary_color = primary;
  t.secondary_color = secondary;
  t.background_color = background;
  t.text_color = text;
  t.font_family = font;
  return t;
}

// The seed's example stores (../shared/seed/multi-tenant.md), each with its own look.
std::vector<DemoStore> demo_stores() {
  return {
      {"orion",
       "Orion Shop",
       "orion.lu",
       "owner@orion.lu",
       theme("#3B82F6", "#1E3A8A", "#F8FAFC", "#0F172A", "Georgia, serif"),
       {
           {"ORN-TEL-70", "Refractor Telescope 70 mm",
            "A light 70 mm refractor on an alt-azimuth mount: the Moon's craters and Saturn's "
            "rings on the first night.",
            24900, 14},
           {"ORN-BIN-1050", "Binoculars 10x50",
            "Bright, waterproof binoculars for star fields and birdwatching alike.", 12900, 30},
           {"ORN-MAP-N", "Planisphere, Northern Sky",
            "Turn the wheel to the date and hour and see which constellations are up.", 1990, 80},
           {"ORN-LMP-RED", "Red Astronomy Headlamp",
            "Dimmable red light keeps your night vision while you read charts.", 2490, 55},
           {"ORN-BK-ATL", "Pocket Sky Atlas",
            "Eighty charts with stars to magnitude 7.6, spiral bound to lie flat.", 2450, 40},
           {"ORN-CHR-FLD", "Folding Observing Chair",
            "Adjustable height from 30 to 70 cm, so the eyepiece is always comfortable.", 8900, 12},
           {"ORN-FLT-MN", "Moon Filter 1.25\"",
            "Cuts the full Moon's glare for detail along the terminator.", 1490, 65},
           {"ORN-EYE-25", "Plössl Eyepiece 25 mm",
            "A wide, sharp eyepiece that fits any 1.25\" focuser.", 3900, 25},
           {"ORN-MUG-CON", "Constellation Mug",
            "Enamel camping mug printed with Orion, Taurus and the Pleiades.", 1590, 100},
           {"ORN-BLK-WOOL", "Wool Stargazing Blanket",
            "Warm merino blanket with a water-resistant back for cold, dewy nights.", 6900, 20},
           {"ORN-THR-FL", "Stainless Steel Flask 750 ml",
            "Keeps tea hot for twelve hours: long enough for a whole night out.", 2990, 45},
           {"ORN-PST-MW", "Milky Way Poster 70x50",
            "A panorama of the Milky Way from Namibia, printed on heavy matte paper.", 2200, 35},
       }},
      {"techstore",
       "Tech Store",
       "mytechstore.net",
       "owner@mytechstore.net",
       theme("#10B981", "#111827", "#F9FAFB", "#111827", "Helvetica, Arial, sans-serif"),
       {
           {"TS-KB-MECH", "Mechanical Keyboard TKL",
            "Tenkeyless keyboard with hot-swappable brown switches and PBT keycaps.", 8999, 40},
           {"TS-MS-WL", "Wireless Mouse",
            "Quiet clicks, 70 days on one charge, USB-C and Bluetooth.", 3999, 75},
           {"TS-MON-27", "27\" 4K Monitor",
            "IPS panel, 60 Hz, USB-C with 65 W charging and a height-adjustable stand.", 34900, 10},
           {"TS-HUB-7", "USB-C Hub 7-in-1",
            "HDMI 4K, two USB-A, SD and microSD readers, Ethernet and pass-through charging.", 4499,
            60},
           {"TS-SSD-1T", "Portable SSD 1 TB", "Up to 1,050 MB/s in a pocket-sized aluminium case.",
            10900, 35},
           {"TS-HP-ANC", "Noise-Cancelling Headphones",
            "Over-ear, 30 hours of battery, multipoint Bluetooth.", 19900, 22},
           {"TS-CAM-HD", "HD Webcam 1080p", "Autofocus, two microphones and a privacy shutter.",
            5990, 50},
           {"TS-CHG-65", "65 W GaN Charger",
            "Charges a laptop and a phone at once from one small plug.", 3499, 90},
           {"TS-CBL-2M", "Braided USB-C Cable 2 m", "100 W power delivery and 10 Gbit/s data.",
            1499, 150},
           {"TS-STD-LAP", "Aluminium Laptop Stand",
            "Raises the screen to eye level and folds flat for the bag.", 3299, 45},
           {"TS-SPK-BT", "Bluetooth Speaker",
            "Waterproof, 12 hours of play, pairs with a second speaker for stereo.", 4999, 38},
           {"TS-RTR-AX", "Wi-Fi 6 Router", "AX3000 dual band with four gigabit ports and WPA3.",
            12900, 18},
       }},
      {"fashionhub",
       "Fashion Hub",
       nullptr,
       "owner@fashionhub.example",
       theme("#DB2777", "#4A044E", "#FFF7FB", "#3B0764", "Palatino, Georgia, serif"),
       {
           {"FH-TEE-ORG", "Organic Cotton T-Shirt",
            "Heavyweight, relaxed fit, garment-dyed in seven colours.", 2900, 120},
           {"FH-JNS-SLM", "Slim Selvedge Jeans",
            "Japanese 13.5 oz denim that fades beautifully with wear.", 11900, 30},
           {"FH-CT-WOOL", "Wool Overcoat",
            "Single-breasted, knee length, in a warm Italian wool blend.", 24900, 12},
           {"FH-SNK-WHT", "White Leather Sneakers", "Minimal low-tops on a stitched rubber sole.",
            9900, 40},
           {"FH-SCF-CSH", "Cashmere Scarf", "Soft, light and warm; 180 by 30 cm.", 7900, 25},
           {"FH-DRS-LIN", "Linen Summer Dress",
            "Midi length with pockets, in washed European linen.", 8900, 28},
           {"FH-BAG-TOT", "Canvas Tote Bag",
            "Waxed canvas with leather handles and an inner zip pocket.", 4900, 60},
           {"FH-BLT-LTH", "Leather Belt",
            "Full-grain vegetable-tanned leather with a brass buckle.", 3900, 50},
           {"FH-SWT-MER", "Merino Crew Sweater",
            "Fine-gauge merino that breathes in spring and warms in autumn.", 8500, 35},
           {"FH-SNG-RND", "Round Sunglasses", "Acetate frames with polarised UV400 lenses.", 5900,
            45},
           {"FH-SCK-3P", "Socks, Pack of 3", "Combed cotton with a reinforced heel and toe.", 1500,
            200},
           {"FH-HAT-BKT", "Bucket Hat", "Cotton twill, packable, one size with an inner drawcord.",
            2500, 70},
       }},
  };
}

// A simple logo for each store: its initial in a circle of its colour.
std::string logo_svg(const DemoStore& store) {
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"64\" height=\"64\" viewBox=\"0 0 64 "
      "64\"><circle cx=\"32\" cy=\"32\" r=\"30\" fill=\"{}\" stroke=\"#ffffff\" "
      "stroke-width=\"3\"/><text x=\"32\" y=\"42\" font-size=\"30\" font-family=\"sans-serif\" "
      "font-weight=\"bold\" text-anchor=\"middle\" fill=\"#ffffff\">{}</text></svg>\n",
      store.theme.primary_color, static_cast<char>(store.name[0]));
}

struct Login {
  std::string what;
  std::string url_path;
  std::string email;
  std::string password;
};

core::Error wrapped(std::string_view what, const core::Error& error) {
  return core::make_error(error.code, std::string(what) + ": " + error.message);
}

// Creates and fills the database; returns the logins it made.
core::Result<std::vector<Login>> seed(const std::string& url,
                                      const std::filesystem::path& files_dir) {
  auto database = storage::open_database(url, {}, storage::OpenMode::create);
  if (!database) {
    return database.error();
  }
  if (auto migrated = storage::migrate(**database); !migrated) {
    return wrapped("migrate", migrated.error());
  }
  const std::vector<DemoStore> stores = demo_stores();
  std::vector<Login> logins;
  std::vector<storage::StoreRecord> created;
  {
    auto tx = (*database)->begin_platform();
    if (!tx) {
      return tx.error();
    }
    const std::string admin_password = storage::random_hex(8);
    auto admin = storage::users::create(*tx, "admin@example.com", admin_password, true);
    if (!admin) {
      return wrapped("admin user", admin.error());
    }
    logins.push_back({"Platform admin", "/admin/login", admin->email, admin_password});
    for (const DemoStore& store : stores) {
      auto record = storage::stores::create(*tx, store.code, store.name);
      if (!record) {
        return wrapped(store.code, record.error());
      }
      const std::string password = storage::random_hex(8);
      auto owner = storage::users::create(*tx, store.owner_email, password, false);
      if (!owner) {
        return wrapped(store.owner_email, owner.error());
      }
      if (auto member =
              storage::members::grant(*tx, record->id, owner->id, storage::MemberRole::owner);
          !member) {
        return wrapped(store.owner_email, member.error());
      }
      logins.push_back({std::string(store.name) + " owner",
                        "/store/" + std::string(store.code) + "/login", owner->email, password});
      created.push_back(std::move(*record));
    }
    if (auto done = tx->commit(); !done) {
      return done.error();
    }
  }
  for (std::size_t i = 0; i < stores.size(); ++i) {
    const DemoStore& store = stores[i];
    const storage::StoreRecord& record = created[i];
    const auto folder = files_dir / std::to_string(record.id);
    std::error_code ec;
    std::filesystem::create_directories(folder, ec);
    std::ofstream(folder / "logo.svg") << logo_svg(store);
    auto tx = (*database)->begin(storage::TenantScope::admin(record.snapshot()));
    if (!tx) {
      return tx.error();
    }
    storage::Theme look = store.theme;
    if (!ec) {
      look.logo_url = "/static/stores/" + std::string(store.code) + "/logo.svg";
    }
    if (auto put = storage::themes::put(*tx, look); !put) {
      return wrapped(std::string(store.code) + " theme", put.error());
    }
    for (const DemoProduct& product : store.products) {
      storage::NewProduct fresh;
      fresh.sku = product.sku;
      fresh.name = product.name;
      fresh.description = product.description;
      fresh.price_cents = product.price_cents;
      fresh.stock = product.stock;
      if (auto made = storage::products::create(*tx, fresh); !made) {
        return wrapped(product.sku, made.error());
      }
    }
    if (store.domain != nullptr) {
      if (auto added = storage::domains::add(*tx, store.domain); !added) {
        return wrapped(store.domain, added.error());
      }
    }
    if (auto done = tx->commit(); !done) {
      return done.error();
    }
  }
  auto tx = (*database)->begin_platform();
  if (!tx) {
    return tx.error();
  }
  for (const DemoStore& store : stores) {
    if (store.domain != nullptr) {
      if (auto verified = storage::domains::mark_verified(*tx, store.domain); !verified) {
        return wrapped(store.domain, verified.error());
      }
    }
  }
  if (auto done = tx->commit(); !done) {
    return done.error();
  }
  return logins;
}

// Binds the listen address once to fail early and clearly when it is taken, and to learn the
// port when 0 was asked for.
core::Result<unsigned short> probe_port(const boost::asio::ip::tcp::endpoint& endpoint) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io);
  boost::system::error_code ec;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) {
    acceptor.set_option(boost::asio::socket_base::reuse_address(true), ec);
  }
  if (!ec) {
    acceptor.bind(endpoint, ec);
  }
  if (ec) {
    return core::make_error(
        core::Errc::unavailable,
        fmt::format("cannot listen on {}:{}: {} (is another server running there? choose "
                    "another port with --listen 127.0.0.1:PORT)",
                    endpoint.address().to_string(), endpoint.port(), ec.message()));
  }
  return acceptor.local_endpoint(ec).port();
}

std::string banner(const app::Config& config, const boost::asio::ip::tcp::endpoint& endpoint,
                   const std::filesystem::path& folder, bool keep,
                   const std::vector<Login>& logins) {
  const std::string port = std::to_string(endpoint.port());
  const std::string& domain = config.platform_domain;
  std::string ip = endpoint.address().to_string();
  if (endpoint.address().is_unspecified()) {
    ip = endpoint.address().is_v6() ? "::1" : "127.0.0.1";
  }
  if (endpoint.address().is_v6() || ip.find(':') != std::string::npos) {
    ip = "[" + ip + "]";
  }
  const std::string site = "http://" + domain + ":" + port;
  std::string out;
  out += "\nOrion demo: 3 stores with 12 products each, serving on " + ip + ":" + port +
         " with platform domain " + domain + ".\n";
  out += "Data: " + folder.string() + " (SQLite orion.db, store files in files/; " +
         (keep ? "kept after the demo stops" : "removed when the demo stops; --keep keeps it") +
         ")\n\n";
  out += "Try the three routing modes:\n";
  out += "  path:          " + site + "/stores/orion/shop/\n";
  out += "  subdomain:     http://techstore." + domain + ":" + port + "/shop/\n";
  out += "  custom domain: curl -H 'Host: orion.lu' http://" + ip + ":" + port + "/shop/\n\n";
  out += "Every store:\n";
  for (const DemoStore& store : demo_stores()) {
    out += fmt::format("  {:<11} {:<12} {}/stores/{}/shop/  http://{}.{}:{}/shop/{}\n", store.code,
                       store.name, site, store.code, store.code, domain, port,
                       store.domain != nullptr ? std::string("  curl -H 'Host: ") + store.domain +
                                                     "' http://" + ip + ":" + port + "/shop/"
                                               : std::string());
  }
  out += "\nSign in (passwords are random for this run):\n";
  for (const Login& login : logins) {
    out += fmt::format("  {:<20} {}{}\n  {:<20} {}  password {}\n", login.what, site,
                       login.url_path, "", login.email, login.password);
  }
  out += "\nPlatform page " + site + "/, health " + site + "/healthz, metrics " + site +
         "/metrics\nStop with Ctrl-C.\n\n";
  return out;
}

std::optional<std::string> real_env(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) {
    return std::nullopt;
  }
  return std::string(value);
}

}  // namespace

CLI::App* DemoCommand::attach(CLI::App& app) {
  CLI::App* command = app.add_subcommand(
      "demo", "Serve a fresh demo platform (3 stores, products, logins) from a temporary database");
  command->footer(
      "A new SQLite database in $TMPDIR/orion-demo-XXXXXX with the stores orion, techstore and\n"
      "fashionhub (themes, a dozen products each, custom domains orion.lu and mytechstore.net\n"
      "verified), an admin and one owner per store with random passwords; served on platform\n"
      "domain localhost. Prints the URLs to try in all three routing modes and the logins.\n"
      "Takes the settings of `orion serve` except db, files_dir and platform_domain.");
  command->add_flag("--keep", keep_, "keep the temporary folder (database, files) after the demo");
  flags_.attach(*command);
  return command;
}

int DemoCommand::run() {
  for (const auto& [name, value] : flags_.given()) {
    if (name == "db" || name == "files_dir" || name == "platform_domain") {
      return fail("demo", app::flag_name(name) + ": not a demo setting (the demo makes its own " +
                              "database on platform domain localhost; use orion serve)");
    }
  }
  std::error_code ec;
  const auto temp = std::filesystem::temp_directory_path(ec);
  if (ec) {
    return fail("demo", "no temporary folder: " + ec.message());
  }
  std::string pattern = (temp / "orion-demo-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return fail("demo", "cannot create a folder in " + temp.string());
  }
  const std::filesystem::path folder = pattern;
  const auto cleanup = [&] {
    if (!keep_) {
      std::error_code ignored;
      std::filesystem::remove_all(folder, ignored);
    }
  };

  app::Config defaults;
  defaults.db = "sqlite:" + (folder / "orion.db").string();
  defaults.files_dir = folder / "files";
  defaults.platform_domain = "localhost";
  // The demo's own database and domain win over the operator's environment (ORION_DB is likely
  // set in a shell that also runs `orion serve`).
  const auto env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "ORION_DB" || name == "ORION_FILES_DIR" || name == "ORION_PLATFORM_DOMAIN") {
      return std::nullopt;
    }
    return real_env(name);
  };
  auto config = app::load_config(flags_.config_file(), flags_.given(), env, defaults);
  if (!config) {
    cleanup();
    return fail("demo", config.error());
  }
  if (config->db != defaults.db || config->files_dir != defaults.files_dir ||
      config->platform_domain != defaults.platform_domain) {
    cleanup();
    return fail("demo", "config " + flags_.config_file() +
                            ": db, files_dir and platform_domain are the demo's own; remove them");
  }
  auto endpoint = app::parse_listen(config->listen);
  if (!endpoint) {
    cleanup();
    return fail("demo", endpoint.error());
  }
  auto port = probe_port(*endpoint);
  if (!port) {
    cleanup();
    return fail("demo", port.error());
  }
  if (endpoint->port() == 0) {  // a free port was asked for: use the one just found
    endpoint->port(*port);
    const std::string address = endpoint->address().to_string();
    config->listen =
        (endpoint->address().is_v6() ? "[" + address + "]" : address) + ":" + std::to_string(*port);
  }
  auto logins = seed(config->db, config->files_dir);
  if (!logins) {
    cleanup();
    return fail("demo", logins.error());
  }
  const int code = serve("demo", *config, banner(*config, *endpoint, folder, keep_, *logins));
  cleanup();
  return code;
}

}  // namespace orion::cli
